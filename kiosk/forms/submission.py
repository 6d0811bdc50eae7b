"""A finished visit as it is stored and sent: what Session.submission() gives the store
(kiosk/store), and what the senders (sync/) read back. Plain JSON, so it is TypedDicts."""

from __future__ import annotations

from typing import Literal, NotRequired, TypeAlias, TypedDict

# What JSON holds: an answer is text, a number, true, a list of choice names, or a repeat's
# items (a list of answers by name).
JSONValue: TypeAlias = (
    str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]
)


class Assistance(TypedDict):
    """A member of staff helped, with the citizen's consent (asked on screen first)."""

    helper: str  # their name, never a PIN
    consent: Literal["given"]
    at: str  # ISO 8601, to the second


class ReceiptAnswer(TypedDict):
    """An answer the form marks `receipt: true`, as the citizen was shown it."""

    name: str
    label: str
    answer: str


class Submission(TypedDict):
    instance_id: str  # "uuid:…"
    form_id: str
    form_version: str
    language: str
    started_at: str  # ISO 8601, to the second
    completed_at: str
    instance_name: str  # "" unless the form sets instance_name
    answers: dict[str, JSONValue]  # by question name; a repeat's as a list of items
    receipt: list[ReceiptAnswer]
    assistance: NotRequired[list[Assistance]]  # only when staff helped
    # Questions and groups not relevant when the visit ended, as [name, repeat item (from 0)
    # or null]: an XForm instance leaves them out, as ODK Collect does. Only when there are.
    not_relevant: NotRequired[list[list[str | int | None]]]
