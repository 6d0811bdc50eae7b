"""The queue, for staff: what waits, what was refused and why, and "Send now"."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QGridLayout, QProgressBar, QPushButton

from kiosk.store import RejectedSubmission
from kiosk.store.clock import local_time

from ..screens.common import button, label
from .common import HelperPage


def _snapshot(store) -> dict:
    """Everything the page shows, read in one go on the database lane."""
    return {"queue": store.outbox.queue_summary(), "last_sync": store.settings.get("last_sync_at"),
            "rejected": store.outbox.rejected_submissions(),
            # remembered per copy once counted (Store.damaged_copies): cheap after the first
            "damaged": store.damaged_copies()}


class QueuePage(HelperPage):
    def __init__(self, mode):
        super().__init__(mode)
        self.bar: QProgressBar | None = None
        self.note = ""
        self._awaiting_send_all = False
        sync = self.host.sync
        if sync is not None:
            sync.progress.connect(self._progress)
            sync.finished.connect(self._finished)

    def refresh(self) -> None:
        self.run(_snapshot, self.host.store, on_done=self._show)

    def _connection(self) -> str:
        sync = self.host.sync
        if sync is None:
            return self.t("queue_conn_none")
        view = sync.view
        if view is None:
            return self.t("queue_conn_unknown")
        if view.state == "paused":
            return self.t("queue_conn_paused", detail=view.detail)
        if view.state == "waiting" and view.detail:
            return self.t("queue_conn_offline", detail=view.detail)
        return self.t("queue_conn_ok")

    def _show(self, data: dict) -> None:
        counts = data["queue"].counts
        content, layout = self.column()
        if self.note:
            layout.addWidget(label(self.note, "notice"))
        for copy in data["damaged"]:  # never all clear while a damaged copy holds some
            stranded = label(self.t("queue_damaged_copy", file=copy.file,
                                    since=local_time(copy.set_aside_at),
                                    count=copy.waiting + copy.unreadable,
                                    oldest=local_time(copy.oldest_waiting) or self.t("queue_none")),
                             "notice")
            stranded.setProperty("damagedCopy", copy.file)  # styled as a notice; found by tests
            layout.addWidget(stranded)
        grid = QGridLayout()
        rows = [
            ("queue_waiting", str(data["queue"].waiting)),
            ("queue_delivered", str(counts["delivered"])),
            ("queue_rejected", str(counts["rejected"])),
            ("queue_oldest", local_time(data["queue"].oldest_waiting) or self.t("queue_none")),
            ("queue_last_sync", local_time(data["last_sync"]) or self.t("queue_never")),
            ("queue_connection", self._connection()),
        ]
        for number, (key, value) in enumerate(rows):
            grid.addWidget(label(self.t(key), "tileTitle"), number, 0)
            shown = label(value)
            shown.setObjectName(f"queue_{key.removeprefix('queue_')}")
            grid.addWidget(shown, number, 1)
        layout.addLayout(grid)
        if self.host.sync is not None:
            send = button(self.t("queue_send_now"), "primary", self._send_now)
            send.setObjectName("sendNow")
            layout.addWidget(send)
            self.bar = QProgressBar()
            self.bar.setObjectName("sendProgress")
            self.bar.setMinimumHeight(44)
            self.bar.hide()
            layout.addWidget(self.bar)
        layout.addWidget(label(self.t("queue_rejected_title"), "heading"))
        if not data["rejected"]:
            layout.addWidget(label(self.t("queue_rejected_none")))
        if counts["rejected"] > 1:  # after IT fixed what refused them all: one tap, not 50
            again = button(self.t("queue_retry_all", count=counts["rejected"]), "primary",
                           self._retry_all)
            again.setObjectName("retryAllRejected")
            layout.addWidget(again)
        for item in data["rejected"]:
            layout.addWidget(label(f"{item.reference} · {local_time(item.created_at)}",
                                   "tileTitle"))
            layout.addWidget(label(item.reason or ""))
            retry = button(self.t("queue_retry"), "retryRejected", partial(self._retry, item))
            retry.setProperty("reference", item.reference)
            layout.addWidget(retry)
        layout.addStretch(1)
        self.show_content(content)

    def _send_now(self) -> None:
        self.note = ""
        self._awaiting_send_all = True
        self.mode.did("send_now")
        if self.bar is not None:
            self.bar.setRange(0, 0)  # busy until the first batch reports
            self.bar.show()
        self.host.sync.send_now()

    def _progress(self, done: int, total: int) -> None:
        if self.bar is not None and self.isVisible():
            self.bar.setRange(0, max(1, total))
            self.bar.setValue(done)
            self.bar.setFormat(self.t("queue_sending", done=done, total=total))

    def _finished(self, result, send_all: bool) -> None:
        if send_all and self._awaiting_send_all:  # Send now's own round, not another
            self._awaiting_send_all = False
            self.note = self.t("queue_sent", delivered=result.delivered, waiting=result.waiting,
                               rejected=result.rejected_total)
        if self.isVisible() and not self._awaiting_send_all:
            self.refresh()

    def _retry(self, item: RejectedSubmission) -> None:
        for retry in self.findChildren(QPushButton):
            if retry.property("reference") == item.reference:
                retry.setEnabled(False)  # one tap is one retry

        def retried(_) -> None:
            self.note = self.t("queue_retried", reference=item.reference)
            if self.host.sync is not None:
                self.host.sync.nudge()
            self.refresh()

        self.run(self.host.store.outbox.retry_rejected, item.submission_id, self.mode.helper,
                 on_done=retried)

    def _retry_all(self) -> None:
        for retry in self.findChildren(QPushButton):
            if retry.objectName() in ("retryAllRejected", "retryRejected"):
                retry.setEnabled(False)  # one tap is one decision

        def retried(count: int) -> None:
            self.note = self.t("queue_retried_all", count=count)
            if self.host.sync is not None:
                self.host.sync.nudge()
            self.refresh()

        self.run(self.host.store.outbox.retry_all_rejected, self.mode.helper, on_done=retried)
