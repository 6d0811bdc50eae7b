"""Open data: anonymised counts per form, per week and per answer option, ready to publish.

Only answers to select_one and select_multiple questions are counted, and only values that are
options of the form's own choice list: no free text can reach the file, whatever a submission
holds. A row per form and ISO week counts its submissions (question and option empty), then a
row per option of each select question, chosen or not. Small cells are suppressed, never
published:

- primary: a count below the threshold (default 5), nought included, is left empty and marked
  suppressed. Every option has its row, so a suppressed row says nothing more (an option
  nobody chose that had no row would tell a suppressed one was at least 1: two of them
  summing to 2 would each be exactly 1);
- secondary: in a select_one question the counts add up to the number who answered it, which
  may be known (from the week's submissions, or another question everyone answered); so a
  question with exactly one suppressed cell has its smallest published cell suppressed too
  (unless that one is a nought: working it out tells only that nobody chose the option).

No line of cells that adds up to a known total then has exactly one unknown count of people:
any suppressed count could be one less, another suppressed cell of its line making up the
difference (one person's answer moved between them), and every published number stays the
same. No totals over weeks or over questions are written; the consultations' running results
(consultations.py) are sums of published cells of closed weeks only, so they add nothing.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.form import Form

from .export import Record
from .export import _cell as safe_cell  # no cell a spreadsheet would run as a formula

COLUMNS = ("form_id", "week", "question", "option", "count", "suppressed")
DEFAULT_THRESHOLD = 5
_SELECTS = ("select_one", "select_multiple")


@dataclass
class Aggregate:
    rows: list[tuple[str, str, str, str, int | None]] = field(default_factory=list)
    suppressed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # form_id -> submissions not counted


def definitions(folders: Iterable[Path]) -> dict[str, dict[str, Form]]:
    """Every form version found in the folders: form_id -> version -> Form."""
    found: dict[str, dict[str, Form]] = defaultdict(dict)
    for folder in folders:
        if not Path(folder).is_dir():
            continue
        catalogue = load_catalogue(folder)
        for (form_id, version), form in catalogue.versions.items():
            found[form_id].setdefault(version, form)
    return found


def _definition(forms: dict[str, dict[str, Form]], form_id: str, version: str) -> Form | None:
    versions = forms.get(form_id) or {}
    return versions.get(version) or (versions[max(versions)] if versions else None)


def iso_week(stamp: str) -> str:
    year, week, _ = datetime.fromisoformat(stamp).isocalendar()
    return f"{year}-W{week:02d}"


def _select_questions(form: Form) -> dict[str, tuple[str, set[str]]]:
    """Select questions outside repeats: name -> (type, the option names it can have)."""
    return {field.name: (field.type, {choice.name for choice in form.choices(field)})
            for field in form.fields.values()
            if field.type in _SELECTS and field.repeat is None}


def suppressed(counts: Mapping[str, int], threshold: int, adds_up: bool) -> set[str]:
    """The options of one line (a question in one week, every option of it, nought included)
    whose counts are withheld. `adds_up`: the counts add up to a total that may be known (a
    select_one question); then the line never has exactly one suppressed cell."""
    hidden = {option for option, n in counts.items() if n < threshold}
    shown = sorted((n, option) for option, n in counts.items() if option not in hidden)
    # A lone nought needs no partner: working it out tells only that nobody chose it.
    if adds_up and len(hidden) == 1 and shown and counts[next(iter(hidden))] > 0:
        hidden.add(shown[0][1])  # secondary: the lone suppressed count cannot be derived
    return hidden


def aggregate(records: Iterable[Record], forms: dict[str, dict[str, Form]],
              threshold: int = DEFAULT_THRESHOLD) -> Aggregate:
    submissions: Counter[tuple[str, str]] = Counter()  # (form_id, week)
    cells: Counter[tuple[str, str, str, str]] = Counter()  # (form_id, week, question, option)
    kinds: dict[tuple[str, str], str] = {}  # (form_id, question) -> select type
    offered: dict[tuple[str, str], set[str]] = defaultdict(set)  # its options, every version
    result = Aggregate()
    # (form_id, version) as the records name it -> its form and select questions, built once
    selects: dict[tuple[str, str], tuple[Form | None, dict[str, tuple[str, set[str]]]]] = {}
    for record in records:
        key = (record["form_id"], record.get("form_version", ""))
        if key not in selects:
            form = _definition(forms, *key)
            selects[key] = (form, {} if form is None else _select_questions(form))
        form, questions = selects[key]
        if form is None:
            result.skipped[record["form_id"]] += 1
            continue
        week = iso_week(record["created_at"])
        submissions[(form.form_id, week)] += 1
        given_answers = record.get("answers")
        answers = given_answers if isinstance(given_answers, dict) else {}
        for name, (kind, options) in questions.items():
            kinds[(form.form_id, name)] = kind
            offered[(form.form_id, name)] |= options
            given = answers.get(name)
            chosen = given if isinstance(given, list) else [given]
            for option in {value for value in chosen if isinstance(value, str)} & options:
                cells[(form.form_id, week, name, option)] += 1
    questions_of: dict[str, list[str]] = defaultdict(list)  # form_id -> its select questions
    for form_id, question in sorted(kinds):
        questions_of[form_id].append(question)
    for (form_id, week), count in sorted(submissions.items()):
        result.rows.append(_cell(result, (form_id, week, "", ""), count, count < threshold))
        for question in questions_of[form_id]:
            counts = {option: cells[(form_id, week, question, option)]
                      for option in offered[(form_id, question)]}
            hidden = suppressed(counts, threshold, kinds[(form_id, question)] == "select_one")
            for option in sorted(counts):
                result.rows.append(_cell(result, (form_id, week, question, option), counts[option],
                                         option in hidden))
    return result


def _cell(result: Aggregate, key: tuple[str, str, str, str], count: int,
          suppress: bool) -> tuple[str, str, str, str, int | None]:
    if suppress:
        result.suppressed += 1
        return (*key, None)
    return (*key, count)


def write_aggregate(result: Aggregate, out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for form_id, week, question, option, count in result.rows:
        writer.writerow([safe_cell(form_id), week, safe_cell(question), safe_cell(option),
                         "" if count is None else count, "true" if count is None else "false"])
    return len(result.rows)
