"""Review states of a submission, as ODK Central has them (received, in review, needs
information, approved, rejected), each change with an optional note to the citizen.

The note is what the citizen's status page and the kiosk's progress service show: the latest
change's note replaces the one before (an empty note clears it). The submission's state, its
note and the history row are written in one transaction (CentralStore.change_review_state);
this checks what staff typed first, and says what the change was.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import CentralError
from .store import CentralStore
from .web import models

STATES = tuple(models.ReviewState.values)
MAX_NOTE = 2000  # characters: a few paragraphs, what a status page shows


@dataclass(frozen=True)
class Change:
    instance_id: str
    reference: str
    from_state: str
    to_state: str
    at: str
    note: str


def change_state(store: CentralStore, instance_id: str, to_state: str, note: str,
                 by: str) -> Change:
    """Move the submission to `to_state` with `note` for the citizen, recorded as `by`'s."""
    if to_state not in STATES:
        raise CentralError(f"{to_state!r} is not a review state; use one of "
                           f"{', '.join(STATES)}.")
    note = note.strip().replace("\r\n", "\n")
    if len(note) > MAX_NOTE:
        raise CentralError(f"The note is {len(note)} characters long; keep it to {MAX_NOTE}.")
    if any(not (c.isprintable() or c == "\n") for c in note):
        raise CentralError("The note holds a control character; type it again as plain text.")
    with store.atomic():  # the row locked first: the state it leaves is the one it had
        row = store._objects(models.Submission).select_for_update().filter(
            instance_id=instance_id).only("instance_id", "reference", "state").first()
        if row is None:
            raise CentralError(f"There is no submission {instance_id}.")
        now = store.change_review_state(instance_id, to_state, by[:150], note)
    return Change(instance_id, row.reference, row.state, to_state, now, note)


def history(store: CentralStore, instance_id: str) -> list[models.ReviewChange]:
    """The submission's review changes, oldest first."""
    return list(store._objects(models.ReviewChange).filter(
        submission_id=instance_id).order_by("at", "id"))
