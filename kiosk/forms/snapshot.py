"""A visit saved as plain JSON (for drafts) and brought back, even into a newer form version.

Answers are stored as the submission stores them and read back through the same parser as a
person's entry, so an answer the new version no longer accepts is dropped and reported rather
than crashing or sneaking through (drafts stranded by a form update: ODK Collect #5947).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from .answers import AnswerError, parse_answer
from .form import Form
from .pages import CHECK, PageKey
from .session import Session, _json_value, _utc_now
from .submission import Assistance, JSONValue

STATE_VERSION = 1
SavedKey = list[Any]  # a PageKey as JSON holds it: [kind, name, item]


class SessionState(TypedDict):
    """A visit so far, as a draft keeps it (kiosk/store): plain JSON."""

    state_version: int
    form_id: str
    form_version: str
    language: str
    instance_id: str
    started_at: str  # ISO 8601
    assistance: list[Assistance]
    values: dict[str, JSONValue]  # answers outside repeats, by question name
    items: dict[str, list[dict[str, JSONValue]]]  # each repeat's items
    page: SavedKey
    history: list[SavedKey]
    visited: list[SavedKey]
    opened_repeats: list[str]


def _key(key: PageKey) -> SavedKey:
    return [key.kind, key.name, key.item]


def _unkey(raw: SavedKey) -> PageKey:
    return PageKey(raw[0], raw[1], raw[2])


def session_state(session: Session) -> SessionState:
    """Everything needed to continue the visit later; JSON-serialisable."""
    def answers(values: dict[str, Any]) -> dict[str, JSONValue]:
        return {name: _json_value(value) for name, value in values.items()
                if session.form.fields[name].type != "calculate"}

    return {
        "state_version": STATE_VERSION,
        "form_id": session.form.form_id,
        "form_version": session.form.version,
        "language": session.language,
        "instance_id": session.instance_id,
        "started_at": session.started_at.isoformat(),
        "assistance": session.assistance,
        "values": answers(session._values),
        "items": {name: [answers(item) for item in items] for name, items in session._items.items()},
        "page": _key(session._page),
        "history": [_key(k) for k in session._history],
        "visited": [_key(k) for k in session._visited],
        "opened_repeats": sorted(session._opened_repeats),
    }


@dataclass
class Restored:
    session: Session
    dropped: list[str] = field(default_factory=list)  # answers the form no longer takes


def restore_session(form: Form, state: SessionState,
                    clock: Callable[[], datetime] = _utc_now) -> Restored:
    session = Session(form, state.get("language"), clock=clock)
    session.instance_id = state["instance_id"]
    session.started_at = datetime.fromisoformat(state["started_at"])
    session.assistance = list(state.get("assistance", []))
    dropped: list[str] = []

    def take(values: dict[str, JSONValue], repeat: str | None) -> dict[str, Any]:
        kept = {}
        for name, stored in values.items():
            target = form.fields.get(name)
            owner = target.repeat.name if target and target.repeat else None
            if target is None or not target.has_value or owner != repeat:
                dropped.append(name)
                continue
            try:
                value = parse_answer(target.type, stored, check_digit=target.spec.check_digit,
                                     max_length=target.max_length, normalise=target.normalise,
                                     allowed=[c.name for c in form.choices(target)],
                                     decimal_comma=False)
            except AnswerError:
                dropped.append(name)
                continue
            if value is not None:
                kept[name] = value
        return kept

    session._values = take(state.get("values", {}), None)
    session._items = {}
    for name, items in state.get("items", {}).items():
        target = form.fields.get(name)
        if target is None or target.type != "repeat":
            dropped.append(name)
            continue
        session._items[name] = [take(item, name) for item in items]
    session._opened_repeats = set(state.get("opened_repeats", [])) & set(session._items)
    session._slots = None
    session._refresh()
    same_form = state.get("form_version") == form.version and not dropped
    slots = set(session._all_slots()) | {CHECK}
    page = _unkey(state["page"]) if same_form else None
    if page is not None and page in slots and session._slot_relevant(page):
        session._page = page
        session._history = [k for k in map(_unkey, state.get("history", [])) if k in slots]
        session._visited = {k for k in map(_unkey, state.get("visited", [])) if k in slots}
    else:
        # Another version of the form: go through it from the start, answers kept, so the
        # citizen sees every page as this version asks it.
        first = session._next_slot(-1)
        session._page = first if first is not None else CHECK
        session._history, session._visited = [], set()
    return Restored(session, dropped)

