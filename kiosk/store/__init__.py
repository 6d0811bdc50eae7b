"""Durable local storage: submissions, outbox, drafts and the audit log in SQLite.

`Store` opens the database; its parts do the work: `store.drafts`, `store.outbox`,
`store.staff`, `store.settings`, `store.progress` (each module's docstring states its contract).
"""

from .audit import AuditEntry
from .drafts import DraftLookup, Drafts
from .errors import StoreError
from .outbox import Outbox
from .records import (
    OUTBOX_STATES,
    DueItem,
    FoundSubmission,
    OutboxState,
    Outgoing,
    QueueSummary,
    ReceiptAnswer,
    RejectedSubmission,
    StateCounts,
    StoredReceipt,
)
from .salvage import DamagedCopy, SalvageReport
from .sealers import Sealer
from .settings import Settings
from .staff import Staff, UnlockResult
from .store import Store, StoreStatus, SyncNote

__all__ = [
    "OUTBOX_STATES", "AuditEntry", "DamagedCopy", "DraftLookup", "Drafts", "DueItem", "FoundSubmission",
    "Outbox", "OutboxState", "Outgoing", "QueueSummary", "ReceiptAnswer", "RejectedSubmission",
    "SalvageReport", "Sealer", "Settings", "Staff", "StateCounts", "Store", "StoreError", "StoreStatus",
    "StoredReceipt", "SyncNote", "UnlockResult",
]
