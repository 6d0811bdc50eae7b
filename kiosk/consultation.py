"""A consultation's running results as a screen shows them: one row per option with its count
and share, the total, and when the kiosk is offline, when they were last updated.

The counts come from the central service (sync/results_pull.py keeps them in the settings
table under RESULTS_SETTING); a kiosk never counts answers itself. They are what the open data
publishes, over the weeks that have ended (sync/central/consultations.py), and say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from . import i18n, localise

if TYPE_CHECKING:
    from .forms.form import Form

RESULTS_SETTING = "consultation_results"  # {"etag", "fetched_at", "consultations": {form_id: ...}}
SYNC_SETTING = "sync:central"  # the worker's last round to the central service


@dataclass(frozen=True)
class ResultRow:
    name: str
    label: str
    count: int
    percent: int  # of all answers, rounded; the rows may add up to 99 or 101

    def words(self, language: str) -> str:
        return i18n.text(language, "results.option", count=self.count, percent=self.percent)


@dataclass(frozen=True)
class ResultsView:
    title: str
    rows: tuple[ResultRow, ...]
    total: str  # "Answers so far: 42", or "" while there are no counts to show
    notes: tuple[str, ...]  # why there are no counts; when they were last updated

    def spoken(self, language: str) -> str:
        parts = [self.title]
        parts += [f"{row.label}: {row.words(language)}" for row in self.rows]
        parts += [self.total, *self.notes]
        return ". ".join(part.rstrip(".") for part in parts if part) + "."


def is_online(kept: Mapping[str, Any] | None, sync_state: Mapping[str, Any] | None) -> bool:
    """The results were fetched in the latest round, and that round reached the service."""
    if not kept or not kept.get("fetched_at") or not sync_state:
        return False
    return sync_state.get("state") == "ok" and kept["fetched_at"] >= (sync_state.get("at") or "")


def results_view(form: Form, kept: Mapping[str, Any] | None, online: bool,
                 language: str) -> ResultsView | None:
    """What to show for `form`'s results; None when the form is not a consultation."""
    settings = form.definition.settings.consultation
    if settings is None:
        return None
    title = i18n.text(language, "results.title")
    entry = ((kept or {}).get("consultations") or {}).get(form.form_id)
    notes: list[str] = []
    rows: list[ResultRow] = []
    total_line = ""
    if entry is None:
        notes.append(i18n.text(language, "results.never"))
    elif not entry.get("shown"):
        notes.append(i18n.text(language, "results.too_few",
                               count=entry.get("results_from", settings.results_from)))
    else:
        counts = {o.get("name"): int(o.get("count") or 0) for o in entry.get("options") or []}
        field = form.fields[settings.question]
        total = sum(counts.values())
        for choice in form.choices(field):
            count = counts.get(choice.name, 0)
            rows.append(ResultRow(choice.name, form.text(choice.label, language), count,
                                  round(100 * count / total) if total else 0))
        total_line = i18n.text(language, "results.total", total=total)
        if entry.get("counted_to"):  # the service counts the weeks that have ended
            notes.append(i18n.text(language, "results.counted_to", date=i18n.format_date(
                date.fromisoformat(entry["counted_to"]), language)))
    if entry is not None and kept and not online and kept.get("fetched_at"):
        when = datetime.fromisoformat(kept["fetched_at"]).astimezone()
        notes.append(i18n.text(language, "results.updated_offline",
                               date=i18n.format_date(when.date(), language),
                               time=localise.format_time(when.time(), language)))
    return ResultsView(title, tuple(rows), total_line, tuple(notes))
