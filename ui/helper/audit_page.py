"""The audit log's latest entries: who did what and when (there are never answers in it)."""

from __future__ import annotations

import json

from kiosk.store.clock import local_time

from ..screens.common import label
from .common import HelperPage


class AuditPage(HelperPage):
    def refresh(self) -> None:
        self.run(self.window.store.recent_audit, 50, on_done=self._show)

    def _show(self, entries: list[dict]) -> None:
        content, layout = self.column()
        layout.addWidget(label(self.t("audit_title"), "heading"))
        for entry in entries:
            detail = json.dumps(entry["detail"], ensure_ascii=False, separators=(", ", ": "))
            line = label(f"{local_time(entry['at'])}  {entry['actor']}  {entry['event']}"
                         + (f"  {detail}" if entry["detail"] else ""), "caption")
            line.setObjectName("auditEntry")
            layout.addWidget(line)
        layout.addStretch(1)
        self.show_content(content)
