"""Consultation results: how many answered each option of a consultation's question.

The forms in the service's forms/ folder that have `settings.consultation` say which question
is counted. Counting opens each new submission once, adds its answer to a count per ISO week
(of its created_at, as the open data) and option, and remembers how far it got
(`consultation_progress`), so a request only opens what arrived since the last; a submission
received twice is stored once, so it is counted once. Only counts are kept and served, never
who answered what.

The running results are published only as the open data is (aggregate.py): for each option,
the sum of its weekly counts that the open data publishes, over the weeks that have ended.
So they add nothing to the open data that subtraction could use (the week's suppressed counts
are in neither), a bar moves once a week by a whole week's published answers, never by one
person's, and below the form's `results_from` no counts are served at all.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from kiosk.sealing import SealingError

from .aggregate import DEFAULT_THRESHOLD, iso_week, suppressed
from .catalogue import FormCatalogue
from .store import CentralStore
from .validation import plain_text
from .web import models

from django.db.models import F, QuerySet  # isort: skip  (after the store sets Django up)

BATCH = 500
OPTION_LENGTH = 200  # the tallies' option column (web/models.py)
WeekCounts = dict[str, Counter[str]]  # ISO week -> option -> count


def _utc_now() -> datetime:
    return datetime.now(UTC)


def published_running(weeks: WeekCounts, options: list[str], before_week: str,
                      threshold: int = DEFAULT_THRESHOLD) -> dict[str, int]:
    """Per option, the sum of the weekly counts the open data publishes, over the weeks
    before `before_week` (those that have ended)."""
    running = dict.fromkeys(options, 0)
    for week, counts in weeks.items():
        if week >= before_week:
            continue
        line = {name: counts.get(name, 0) for name in options}
        hidden = suppressed(line, threshold, adds_up=True)  # a select_one question
        for name in options:
            if name not in hidden:
                running[name] += line[name]
    return running


def counted_to(now: datetime) -> date:
    """The last day of the last week that has ended (a Sunday)."""
    today = now.astimezone(UTC).date()
    return today - timedelta(days=today.isoweekday())


class Consultations:
    def __init__(self, store: CentralStore, catalogue: FormCatalogue,
                 clock: Callable[[], datetime] = _utc_now):
        self.store, self.catalogue, self.clock = store, catalogue, clock
        self._counting = threading.Lock()  # one count at a time: progress moves in one line
        self._cached: tuple[tuple[object, ...], list[dict[str, object]]] | None = None

    def results(self) -> list[dict[str, object]]:
        """Every consultation the service has a form for, in form id order.

        Every kiosk asks at every round, and the answer changes only with a new submission, a
        new week or a new form: it is worked out again only then (one indexed query tells).
        A cache in this process only: any worker works out the same answer from the database.
        """
        now = self.clock()
        latest = self.store.one("SELECT MAX(seq) FROM submissions")
        key = (latest, counted_to(now), iso_week(now.astimezone(UTC).isoformat()),
               self.catalogue.listing().etag)
        cached = self._cached
        if cached is not None and cached[0] == key:
            return cached[1]
        found = self._results(now)
        self._cached = (key, found)
        return found

    def _results(self, now: datetime) -> list[dict[str, object]]:
        found = []
        this_week = iso_week(now.astimezone(UTC).isoformat())
        for form_id, form in sorted(self.catalogue.forms().items()):
            settings = form.definition.settings.consultation
            if settings is None:
                continue
            field = form.fields.get(settings.question)
            if field is None:
                continue
            options = [choice.name for choice in form.choices(field)]
            counts = published_running(self.count(form_id, settings.question), options,
                                       this_week)
            total = sum(counts.values())
            shown = total >= settings.results_from
            found.append({
                "form_id": form_id, "question": settings.question, "total": total,
                "shown": shown, "results_from": settings.results_from,
                "counted_to": counted_to(now).isoformat(),
                "options": [{"name": name, "count": counts[name]} for name in options]
                if shown else []})
        return found

    def count(self, form_id: str, question: str) -> WeekCounts:
        """The counts per week and option, after counting whatever arrived since the last
        time."""
        with self._counting:
            while self._count_more(form_id, question):
                pass
        weeks: WeekCounts = defaultdict(Counter)
        for week, option, count in self._tallies().filter(
                form_id=form_id, question=question).values_list("week", "option", "count"):
            weeks[week][option] = count
        return dict(weeks)

    def _tallies(self) -> QuerySet[models.ConsultationWeekTally]:
        return models.ConsultationWeekTally.objects.using(self.store.alias)

    def _count_more(self, form_id: str, question: str) -> bool:
        """Count the next batch; True when there may be more. The progress row is locked
        while counting, so two workers never count the same submissions twice."""
        db = self.store.alias
        with self.store.atomic():
            progress, _ = models.ConsultationProgress.objects.using(db).select_for_update() \
                .get_or_create(form_id=form_id, question=question, defaults={"last_seq": 0})
            batch = list(models.Submission.objects.using(db).filter(
                form_id=form_id, seq__gt=progress.last_seq).order_by("seq").values_list(
                "seq", "instance_id", "created_at", "envelope")[:BATCH])
            if not batch:
                return False
            added: Counter[tuple[str, str]] = Counter()  # (week, option)
            for _seq, instance_id, created_at, envelope in batch:
                answer = self._answer(bytes(envelope), instance_id, question)
                # Only what could be an option's name: any other answer is never published,
                # and a longer one (or one with a NUL) PostgreSQL would refuse, every time.
                if isinstance(answer, str) and 0 < len(answer) <= OPTION_LENGTH \
                        and plain_text(answer):
                    added[(iso_week(created_at), answer)] += 1
            for (week, option), count in added.items():
                changed = self._tallies().filter(form_id=form_id, question=question, week=week,
                                                 option=option).update(count=F("count") + count)
                if not changed:
                    self._tallies().create(form_id=form_id, question=question, week=week,
                                           option=option, count=count)
            progress.last_seq = batch[-1][0]
            progress.save(update_fields=["last_seq"])
        return len(batch) == BATCH

    def _answer(self, envelope: bytes, instance_id: str, question: str) -> object:
        try:
            payload = json.loads(self.store.keyring.open(envelope, instance_id))
        except (SealingError, ValueError):  # checked when received: cannot happen, never counts
            return None
        answers = payload.get("answers") if isinstance(payload, dict) else None
        return answers.get(question) if isinstance(answers, dict) else None
