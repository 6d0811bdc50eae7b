"""The audit log as staff read it: one sentence per entry in the helper's language, and the
time in the kiosk's local time to the minute, instead of event names and JSON.

The log itself keeps its machine form (kiosk/store/audit.py); only what is shown changes. An
event or action this module does not know yet still reads as words, never as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import i18n, localise

if TYPE_CHECKING:
    from .store import AuditEntry

_ACTORS = {"kiosk": "actor_kiosk", "it": "actor_it", "unknown": "actor_unknown"}
_LOCK_REASONS = {"inactivity": "helper_lock_quiet", "visit ended": "helper_lock_visit",
                 "no helper action": "helper_lock_back"}


def when(entry: AuditEntry, language: str) -> str:
    """'27 Nov 2026, 10:05': the stored UTC time in the kiosk's local time."""
    return localise.format_moment(datetime.fromisoformat(entry.at), language)


def _actor(name: str, language: str) -> str:
    key = _ACTORS.get(name)
    return i18n.text(language, f"audit.{key}") if key else name


def _duration(seconds: int, language: str) -> str:
    from babel.dates import format_timedelta

    return format_timedelta(seconds, threshold=1.5, locale=localise._locale(language))


def _form(detail: Mapping[str, Any]) -> str:
    return str(detail.get("form") or detail.get("form_id") or "")


def describe(entry: AuditEntry, language: str) -> str:
    """One sentence for an audit entry: "Amina opened helper mode"."""
    event, detail = entry.event, entry.detail or {}
    actor = _actor(entry.actor or "unknown", language)
    key = event
    params: dict[str, object] = {"actor": actor}
    if event == "helper_action":
        key = str(detail.get("action") or "")
        params |= {"helper": detail.get("helper", ""), "form": _form(detail),
                   "reference": detail.get("reference", ""), "setting": detail.get("setting", "")}
    elif event == "helper_lock":
        key = _LOCK_REASONS.get(str(detail.get("reason")), "helper_lock")
    elif event == "helper_unlock_failed":
        params["count"] = int(detail.get("failures") or 1)
    elif event in ("helper_lockout", "resume_code_wait"):
        # whole seconds, as the store writes them
        params["duration"] = _duration(round(float(detail.get("seconds") or 0)), language)
    elif event in ("draft_saved", "draft_resumed"):
        params["form"] = _form(detail)
    elif event == "purge":
        params["count"] = sum(int(n or 0) for n in detail.values())
    elif event == "sealed":
        params |= {"count": int(detail.get("count") or 0),
                   "destination": detail.get("destination", "")}
    elif event in ("sealing_deferred", "sync_stopped"):
        params |= {"destination": detail.get("destination", ""), "why": detail.get("why", "")}
    elif event == "config_changed":
        params["keys"] = ", ".join(str(k) for k in detail.get("keys") or [])
    if key and i18n.has_text("en", f"audit.{key}"):
        return i18n.text(language, f"audit.{key}", **params)
    return _unknown(event, detail, actor, language)


def _unknown(event: str, detail: Mapping[str, Any], actor: str, language: str) -> str:
    """An event added later: its name as words and its details as "name: value"."""
    words = event.replace("_", " ")
    parts = [f"{name.replace('_', ' ')}: {value}" for name, value in sorted(detail.items())
             if not isinstance(value, dict | list)]
    words += f" ({'; '.join(parts)})" if parts else ""
    return i18n.text(language, "info.label_value", label=actor, value=words)


def line(entry: AuditEntry, language: str) -> str:
    """"27 Nov 2026, 10:05: Amina opened helper mode"."""
    return i18n.text(language, "info.label_value", label=when(entry, language),
                     value=describe(entry, language))
