"""'Check the progress of an application': what the citizen typed, what the central service
said, and what the screen shows, in the citizen's language.

The kiosk asks the central service (`POST /v1/progress`, sync/progress_pull.py) when it can and
otherwise shows the last state it heard for a reference it issued (store.progress), with when it
heard it. A typed reference is read leniently (kiosk/store/codes.py); one whose check character
does not match is a typo, said so, and never asked about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from . import i18n, localise
from .store.codes import read_reference, reference_parts
from .store.progress_states import REVIEW_STATES, KnownProgress, ReviewState

NOTE_LIMIT = 2000  # characters of the council's note kept and shown; more is cut

TypedProblem = Literal["empty", "typo", "not_a_reference"]


@dataclass(frozen=True)
class TypedReference:
    reference: str | None  # as printed, when whole and its check character matches
    problem: TypedProblem | None = None

    def problem_text(self, language: str) -> str:
        return i18n.text(language, f"progress.{self.problem}") if self.problem else ""


def read_typed(typed: str) -> TypedReference:
    """'lib01 k7qfm 2xd9h' -> LIB01-K7QFM-2XD9H; a reference's shape with a wrong character
    is a typo ("check the reference"), anything else not a reference at all."""
    if not typed.strip():
        return TypedReference(None, "empty")
    reference = read_reference(typed)
    if reference is not None:
        return TypedReference(reference)
    if reference_parts(typed) is not None:
        return TypedReference(None, "typo")
    return TypedReference(None, "not_a_reference")


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _clean_note(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    # What a screen can show: no control characters (a newline stays), no blank note.
    kept = "".join(c for c in value if c == "\n" or c.isprintable()).strip()
    return kept[:NOTE_LIMIT] or None


def read_answer(answer: object, asked: set[str], checked_at: str) -> list[KnownProgress]:
    """The entries of the service's `{"progress": [...]}` that are about what was asked and
    make sense (a known state, a date-time with its offset); anything else is left out."""
    entries = answer.get("progress") if isinstance(answer, dict) else None
    if not isinstance(entries, list):
        raise ValueError("not the service's answer")
    found = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        reference, state = entry.get("reference"), entry.get("state")
        if not isinstance(reference, str) or reference not in asked \
                or state not in REVIEW_STATES or _moment(entry.get("changed_at")) is None:
            continue
        found.append(KnownProgress(reference, state, str(entry["changed_at"]),
                                   _clean_note(entry.get("note")), checked_at))
    return found


# -- what the screen shows --------------------------------------------------------------------
Situation = Literal["answered", "not_found", "not_sent_yet", "last_known", "cannot_check"]


@dataclass(frozen=True)
class ProgressView:
    reference: str
    situation: Situation
    heading: str  # the state in plain words, or what happened
    next_step: str  # what the citizen should do now
    changed: str = ""  # "Last changed on 3 December 2026"
    note: str | None = None  # the council's note to the citizen
    note_label: str = ""
    freshness: str = ""  # offline: when the kiosk last heard it
    state: ReviewState | None = None

    def lines(self) -> list[str]:
        """The view's texts in reading order (for reading aloud and for tests)."""
        parts = [self.heading, self.freshness, self.changed]
        if self.note:
            parts += [self.note_label, self.note]
        parts.append(self.next_step)
        return [part for part in parts if part]

    def spoken(self) -> str:
        return ". ".join(part.rstrip(".:") for part in self.lines()) + "."


def _when(stamp: str, language: str) -> tuple[str, str]:
    moment = datetime.fromisoformat(stamp).astimezone()  # the kiosk's local time
    return i18n.format_date(moment.date(), language), localise.format_time(moment.time(), language)


def _state_view(known: KnownProgress, situation: Situation, language: str) -> ProgressView:
    changed_date, _ = _when(known.changed_at, language)
    freshness = ""
    if situation == "last_known":
        day, time = _when(known.checked_at, language)
        freshness = i18n.text(language, "progress.last_checked", date=day, time=time)
    return ProgressView(
        known.reference, situation,
        heading=i18n.text(language, f"progress.states.{known.state}.heading"),
        next_step=i18n.text(language, f"progress.states.{known.state}.next"),
        changed=i18n.text(language, "progress.changed_on", date=changed_date),
        note=known.note, note_label=i18n.text(language, "progress.note_label"),
        freshness=freshness, state=known.state)


def progress_view(reference: str, answered: KnownProgress | None, asked: bool,
                  last_known: KnownProgress | None, language: str,
                  waiting_here: bool = False) -> ProgressView:
    """What to show for `reference`: the service's answer when it was asked (`asked`: it
    answered, with the state or without one for a reference it does not know), else the last
    state this kiosk heard, else that it cannot check now. `waiting_here`: this kiosk has not
    sent it yet, so the service cannot know it."""
    if answered is None and last_known is None and waiting_here:
        return ProgressView(reference, "not_sent_yet", i18n.text(language, "progress.not_sent"),
                            i18n.text(language, "progress.not_sent_next"))
    if asked:
        if answered is not None:
            return _state_view(answered, "answered", language)
        return ProgressView(reference, "not_found", i18n.text(language, "progress.not_found"),
                            i18n.text(language, "progress.not_found_next"))
    if last_known is not None:
        return _state_view(last_known, "last_known", language)
    return ProgressView(reference, "cannot_check", i18n.text(language, "progress.cannot_check"),
                        i18n.text(language, "progress.cannot_check_next"))
