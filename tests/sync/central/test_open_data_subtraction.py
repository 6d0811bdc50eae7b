"""No suppressed small count of the open data can be worked out from what is published: the
export's cells and week totals, and the consultation's running results the kiosks show.

Generated submissions (hypothesis) go through the real aggregate and the real running-results
rule; an attacker then tries every subtraction there is: any combination of the totals that
are known to add up (each select_one question's options add up to the week's submissions,
everyone having answered), and bounds (no count below nought, a select_multiple option never
above the week's submissions), carried from line to line until nothing more follows."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.central.aggregate import aggregate, definitions
from sync.central.consultations import published_running

from .central_kit import CONSULTATION, FORMS

FEEDBACK, VERSION = "feedback_services", "2026-11-27"
FORM_DEFINITIONS = definitions([FORMS])
WEEKS = [date(2026, 10, 26) + timedelta(weeks=n) for n in range(4)]  # 2026-W44 ... W47
INF = float("inf")


def _options(form_id: str, question: str) -> list[str]:
    form = FORM_DEFINITIONS[form_id][VERSION]
    return [choice.name for choice in form.choices(form.fields[question])]


PLANS = _options(CONSULTATION, "plan")
SELECT_ONE = {CONSULTATION: ["plan"], FEEDBACK: ["service", "rating", "wants_reply"]}
SELECT_MULTIPLE = {CONSULTATION: [], FEEDBACK: ["what_was_good"]}


def _few_of(options: list[str]):
    # Skewed towards the first options: lines with big and small counts side by side.
    return st.sampled_from(options[:2]) | st.sampled_from(options)


consultation = st.fixed_dictionaries({"plan": _few_of(PLANS)}).map(
    lambda answers: (CONSULTATION, answers))
feedback = st.fixed_dictionaries({
    "service": _few_of(_options(FEEDBACK, "service")),
    "rating": _few_of(_options(FEEDBACK, "rating")),
    "wants_reply": _few_of(_options(FEEDBACK, "wants_reply")),
    "what_was_good": st.lists(_few_of(_options(FEEDBACK, "what_was_good")), unique=True,
                              max_size=3),
}).map(lambda answers: (FEEDBACK, answers))
submissions = st.lists(st.tuples(st.sampled_from(WEEKS), consultation | feedback), max_size=80)


def _record(week: date, form_id: str, answers: dict) -> dict:
    return {"form_id": form_id, "form_version": VERSION, "created_at": f"{week}T10:00:00+00:00",
            "answers": answers}


def _week(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


class Attacker:
    """Unknowns are the suppressed cells; equations Σ ±x = b; bounds lo <= x <= hi."""

    def __init__(self) -> None:
        self.equations: list[tuple[dict[tuple, int], int]] = []
        self.lo: dict[tuple, float] = {}
        self.hi: dict[tuple, float] = {}
        self.below: list[tuple[tuple, tuple]] = []  # (x, y): x <= y

    def unknown(self, key: tuple) -> None:
        self.lo.setdefault(key, 0)
        self.hi.setdefault(key, INF)

    def equation(self, terms: dict[tuple, int], known: int) -> None:
        if terms:
            self.equations.append((terms, known))

    def solved(self) -> dict[tuple, Fraction]:
        """Every unknown some combination of the equations gives exactly (Gauss-Jordan)."""
        keys = sorted(self.lo)
        column = {key: n for n, key in enumerate(keys)}
        rows = []
        for terms, known in self.equations:
            row = [Fraction(0)] * (len(keys) + 1)
            for key, sign in terms.items():
                row[column[key]] += sign
            row[-1] = Fraction(known)
            rows.append(row)
        pivots: list[tuple[int, list[Fraction]]] = []
        for row in rows:
            for pivot, reduced in pivots:
                if row[pivot]:
                    factor = row[pivot]
                    row = [a - factor * b for a, b in zip(row, reduced, strict=True)]
            lead = next((n for n, a in enumerate(row[:-1]) if a), None)
            if lead is None:
                continue
            row = [a / row[lead] for a in row]
            pivots = [(p, [a - r[lead] * b for a, b in zip(r, row, strict=True)])
                      for p, r in pivots]
            pivots.append((lead, row))
        found = {}
        for key in keys:
            vector = [Fraction(0)] * (len(keys) + 1)
            vector[column[key]] = Fraction(1)
            value = Fraction(0)
            for pivot, reduced in pivots:
                factor = vector[pivot]
                if factor:
                    vector = [a - factor * b for a, b in zip(vector, reduced, strict=True)]
                    value += factor * reduced[-1]
            if not any(vector[:-1]):
                found[key] = value
        return found

    def bounds(self) -> None:
        """Each equation and x <= y, applied until no bound moves."""
        for _ in range(200):
            moved = False
            for terms, known in self.equations:
                for key, sign in terms.items():
                    low = high = float(known)
                    for other, s in terms.items():
                        if other == key:
                            continue
                        a, b = (self.lo[other], self.hi[other])
                        low -= s * (b if s > 0 else a)
                        high -= s * (a if s > 0 else b)
                    if sign < 0:
                        low, high = -high, -low
                    moved |= self._tighten(key, low, high)
            for small, big in self.below:
                moved |= self._tighten(small, -INF, self.hi[big])
                moved |= self._tighten(big, self.lo[small], INF)
            if not moved:
                return

    def _tighten(self, key: tuple, low: float, high: float) -> bool:
        moved = False
        if low > self.lo[key]:
            self.lo[key], moved = low, True
        if high < self.hi[key]:
            self.hi[key], moved = high, True
        return moved


@settings(max_examples=80, deadline=None)
@given(submissions, st.sampled_from([3, 5]))
def test_no_subtraction_recovers_a_suppressed_small_count(chosen, threshold):
    records = [_record(week, form_id, answers) for week, (form_id, answers) in chosen]
    truth: Counter[tuple] = Counter()  # counted here, independently of the aggregate
    for record in records:
        week = _week(date.fromisoformat(record["created_at"][:10]))
        truth[(record["form_id"], week)] += 1
        for question, value in record["answers"].items():
            for option in value if isinstance(value, list) else [value]:
                truth[(record["form_id"], week, question, option)] += 1

    rows = aggregate(records, FORM_DEFINITIONS, threshold).rows
    published = {}
    attacker = Attacker()
    for form_id, week, question, option, count in rows:
        key = (form_id, week, question, option) if question else (form_id, week)
        assert count is None or count == truth[key] and count >= threshold
        if count is None:
            attacker.unknown(key)
        else:
            published[key] = count
    weeks = {(form_id, week) for form_id, week, *_ in rows}
    for form_id, week in weeks:
        for question in SELECT_ONE[form_id] + SELECT_MULTIPLE[form_id]:
            listed = {o for f, w, q, o, _ in rows if (f, w, q) == (form_id, week, question)}
            assert listed == set(_options(form_id, question))  # a row says nothing by being
        total = (form_id, week)
        for question in SELECT_ONE[form_id]:  # everyone answered: the options add up
            terms: dict[tuple, int] = {}
            known = 0
            for key in [(form_id, week, question, o) for o in _options(form_id, question)] \
                    + [total]:
                sign = -1 if key == total else 1
                if key in published:
                    known -= sign * published[key]
                else:
                    terms[key] = sign
            attacker.equation(terms, known)
        for question in SELECT_MULTIPLE[form_id]:
            for option in _options(form_id, question):
                cell = (form_id, week, question, option)
                if cell in attacker.lo:
                    if total in published:
                        attacker.hi[cell] = min(attacker.hi[cell], published[total])
                    else:
                        attacker.below.append((cell, total))

    # The kiosks' running results: each option's published weekly counts added up, so
    # taking the published weeks away leaves nought, never a suppressed week's count.
    weekly = {_week(day): Counter({o: truth[(CONSULTATION, _week(day), "plan", o)]
                                   for o in PLANS}) for day in WEEKS}
    running = published_running(weekly, PLANS, "9999-W01", threshold)
    for option in PLANS:
        weeks_published = sum(count for key, count in published.items()
                              if key[0] == CONSULTATION and key[2:] == ("plan", option))
        assert running[option] - weeks_published == 0

    solved = attacker.solved()
    attacker.bounds()
    for key in attacker.lo:
        if 0 < truth[key] < threshold:  # a small count of people, suppressed
            assert key not in solved, (key, truth[key])
            assert attacker.lo[key] < attacker.hi[key], (key, truth[key])
