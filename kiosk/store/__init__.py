"""Durable local storage: submissions, outbox, drafts and the audit log in SQLite."""

from .errors import StoreError
from .store import DraftLookup, DueItem, Store

__all__ = ["DraftLookup", "DueItem", "Store", "StoreError"]
