"""The audit log's latest entries: who did what and when (there are never answers in it), as
sentences in the helper's language with the local time to the minute."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.audit_words import line as entry_line

from ..screens.common import label
from .common import HelperPage

if TYPE_CHECKING:
    from kiosk.store import AuditEntry


class AuditPage(HelperPage):
    def refresh(self) -> None:
        self.run(self.host.store.staff.recent_audit, 50, on_done=self._show)

    def _show(self, entries: list[AuditEntry]) -> None:
        language = self.host.settings.default_language  # the helper screens' language
        content, layout = self.column()
        layout.addWidget(label(self.t("audit_title"), "heading"))
        for entry in entries:
            line = label(entry_line(entry, language), "caption")
            line.setObjectName("auditEntry")
            layout.addWidget(line)
        layout.addStretch(1)
        self.show_content(content)
