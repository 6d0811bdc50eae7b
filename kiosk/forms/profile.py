"""Once only, within a visit (WCAG 2.2 SC 3.3.7 Redundant Entry).

A question may declare what it asks about the citizen with a `profile` key from a fixed
vocabulary (`profile: date_of_birth`). When the citizen starts a second service in the same
visit, the answers they already gave to questions with the same keys are offered: "Use the
details you gave before?". Accepted, they are shown on their pages, to keep or change, and
become answers only when each page is continued (checked as if typed, by the new form's own
rules). Declined, the pages start empty as usual.

Which answers count: those on pages the citizen has continued past in this visit, in any
form, sent or not (kiosk.forms.session.Session.given_answers). Not only sent forms: the
confirmation's Finish ends the visit, so a second service in the same visit usually follows
a form left for another one, and its answers passed that form's checks when Continue was
pressed; the citizen still sees and confirms each one before anything is sent.

The details live in memory only, in one VisitProfile per visit that the wipe clears: never in
a draft (an offered answer is not part of the session's saved state until accepted on its
page), never in a log (nothing here is printed or logged, and repr shows only the keys).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .display import show_answer
from .form import Field, Form

if TYPE_CHECKING:
    from .session import Session

# The vocabulary, and the one question type each key may be on: an answer only ever goes to
# a question of the kind it came from, so a date of birth is never offered to a text box.
PROFILE_KEYS: dict[str, str] = {
    "full_name": "text",
    "given_name": "text",
    "family_name": "text",
    "date_of_birth": "date",
    "address_line_1": "text",
    "address_line_2": "text",
    "town": "text",
    "postcode": "text",
    "phone": "phone",
    "email": "email",
}


def profile_problems(fields: Iterable[Field]) -> list[tuple[Field, str]]:
    """What is wrong with the form's `profile` columns, each with its question (for the
    loader, which names the file, the question and the column)."""
    problems: list[tuple[Field, str]] = []
    first: dict[str, Field] = {}
    for field in fields:
        key, spec = field.spec.profile, field.spec
        if key is None:
            continue
        wanted = PROFILE_KEYS.get(key)
        if wanted is None:
            close = difflib.get_close_matches(key, list(PROFILE_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append((field, f"'{key}' is not a profile key{hint}; use one of: "
                                    f"{', '.join(PROFILE_KEYS)}"))
        elif field.type != wanted:
            problems.append((field, f"the profile key '{key}' is only for {wanted} questions, "
                                    f"not {field.type}: an earlier answer goes only to a "
                                    "question of the same type"))
        elif field.repeat is not None:
            problems.append((field, "a question inside a repeat cannot have a profile key: "
                                    "its items may be about other people"))
        elif spec.read_only or spec.calculation:
            problems.append((field, "a read_only or calculated question cannot have a profile "
                                    "key: the citizen gives it no answer"))
        elif key in first:
            problems.append((field, f"the profile key '{key}' is already on the question "
                                    f"'{first[key].name}': give each key to one question"))
        else:
            first[key] = field
    return problems


def profile_fields(form: Form) -> list[Field]:
    """The form's questions with a profile key, in the order of the form."""
    return [field for field in form.fields.values() if field.spec.profile is not None]


class VisitProfile:
    """What the citizen has told the kiosk about themselves in this visit, by profile key."""

    def __init__(self) -> None:
        # By form session, in the order given: a later answer to a key wins, and a form the
        # citizen leaves with "delete my answers" takes its answers with it.
        self._given: dict[object, dict[str, Any]] = {}  # keyed by the session itself

    @property
    def _details(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for answers in self._given.values():
            merged.update(answers)
        return merged

    def __bool__(self) -> bool:
        return bool(self._details)

    def __repr__(self) -> str:  # never the answers, should it ever reach a log
        return f"VisitProfile(keys={sorted(self._details)})"

    def remember(self, session: Session) -> None:
        """Keep the profile answers of the pages continued so far (the latest answer wins)."""
        fields = session.form.fields
        given: dict[str, Any] = {}
        for name, value in session.given_answers().items():
            key = fields[name].spec.profile
            if key is not None:
                given[key] = value
        self._given.pop(session, None)  # now the latest given
        if given:
            self._given[session] = given

    def forget(self, session: Session) -> None:
        """The citizen left this form and its answers were deleted: these go too."""
        self._given.pop(session, None)

    def offer(self, form: Form) -> dict[str, Any]:
        """The answers this visit has for the form's profile questions, by question name."""
        details = self._details
        return {field.name: details[field.spec.profile] for field in profile_fields(form)
                if field.spec.profile in details}

    def clear(self) -> None:
        """The wipe: nothing of this person reaches the next one."""
        self._given.clear()


def offer_rows(form: Form, offer: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """(question, answer) for each offered answer, as the new form words and shows them."""
    rows = []
    for field in profile_fields(form):
        if field.name in offer:
            rows.append((form.text(field.spec.label, language),
                         show_answer(form, field, offer[field.name], language)))
    return rows
