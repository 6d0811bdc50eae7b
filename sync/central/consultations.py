"""Consultation results: how many answered each option of a consultation's question.

The forms in the service's forms/ folder that have `settings.consultation` say which question
is counted. Counting opens each new submission once, adds its answer to a per-option count and
remembers how far it got (`consultation_progress`), so a request only opens what arrived since
the last; a submission received twice is stored once, so it is counted once. Only counts are
kept and served, never who answered what; below the form's `results_from` no counts are
served at all, so a bystander cannot see one person's answer move a bar.
"""

from __future__ import annotations

import json
import threading
from collections import Counter

from kiosk.sealing import SealingError

from .catalogue import FormCatalogue
from .store import CentralStore

BATCH = 500


class Consultations:
    def __init__(self, store: CentralStore, catalogue: FormCatalogue):
        self.store, self.catalogue = store, catalogue
        self._counting = threading.Lock()  # one count at a time: progress moves in one line

    def results(self) -> list[dict[str, object]]:
        """Every consultation the service has a form for, in form id order."""
        found = []
        for form_id, form in sorted(self.catalogue.forms().items()):
            settings = form.definition.settings.consultation
            if settings is None:
                continue
            field = form.fields.get(settings.question)
            if field is None:
                continue
            options = [choice.name for choice in form.choices(field)]
            counts = self.count(form_id, settings.question)
            total = sum(counts.get(name, 0) for name in options)
            shown = total >= settings.results_from
            found.append({
                "form_id": form_id, "question": settings.question, "total": total,
                "shown": shown, "results_from": settings.results_from,
                "options": [{"name": name, "count": counts.get(name, 0)} for name in options]
                if shown else []})
        return found

    def count(self, form_id: str, question: str) -> Counter[str]:
        """The counts per option, after counting whatever arrived since the last time."""
        with self._counting:
            while self._count_more(form_id, question):
                pass
            with self.store.reading() as conn:
                rows = conn.execute("SELECT option, count FROM consultation_tallies "
                                    "WHERE form_id = ? AND question = ?",
                                    (form_id, question)).fetchall()
        return Counter(dict(rows))

    def _count_more(self, form_id: str, question: str) -> bool:
        """Count the next batch; True when there may be more."""
        with self.store.reading() as conn:
            row = conn.execute("SELECT last_seq FROM consultation_progress WHERE form_id = ? "
                               "AND question = ?", (form_id, question)).fetchone()
            last = row[0] if row else 0
            batch = conn.execute("SELECT seq, instance_id, envelope FROM submissions "
                                 "WHERE form_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                                 (form_id, last, BATCH)).fetchall()
        if not batch:
            return False
        added: Counter[str] = Counter()
        for _seq, instance_id, envelope in batch:
            answer = self._answer(envelope, instance_id, question)
            if isinstance(answer, str) and answer:
                added[answer] += 1
        with self.store._writing() as conn:
            for option, count in added.items():
                conn.execute("INSERT INTO consultation_tallies (form_id, question, option, count) "
                             "VALUES (?, ?, ?, ?) ON CONFLICT (form_id, question, option) "
                             "DO UPDATE SET count = count + excluded.count",
                             (form_id, question, option, count))
            conn.execute("INSERT INTO consultation_progress (form_id, question, last_seq) "
                         "VALUES (?, ?, ?) ON CONFLICT (form_id, question) "
                         "DO UPDATE SET last_seq = excluded.last_seq",
                         (form_id, question, batch[-1][0]))
        return len(batch) == BATCH

    def _answer(self, envelope: bytes, instance_id: str, question: str) -> object:
        try:
            payload = json.loads(self.store.keyring.open(envelope, instance_id))
        except (SealingError, ValueError):  # checked when received: cannot happen, never counts
            return None
        answers = payload.get("answers") if isinstance(payload, dict) else None
        return answers.get(question) if isinstance(answers, dict) else None
