"""'Check the progress of an application', wired into the kiosk: the tile on the service list,
the screen, and the question to the central service, asked on a lane of its own (never behind a
sync round, never on the screen's thread) and bounded by the destination's deadlines. What it
decides is kiosk/progress_check.py's; the asking is sync/progress_pull.py's."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk.progress_check import progress_view, read_typed

from .screens.progress import ProgressScreen

if TYPE_CHECKING:
    from kiosk.config import Destination
    from kiosk.store import Store
    from kiosk.store.progress_states import KnownProgress

    from .host import Host

CENTRAL = "central"  # the REST central service that knows review states
LANE = "ask"  # ui/tasks.py: a citizen's question does not wait for a sync round


def central_destination(host: Host) -> Destination | None:
    config = host.config
    destination = config.destinations.get(CENTRAL) if config is not None else None
    return destination if destination is not None and destination.type == "rest" else None


def ask(destination: Destination | None, site_id: str, store: Store, reference: str,
        ) -> tuple[KnownProgress | None, bool, KnownProgress | None, bool]:
    """On the lane: the service's answer and whether it answered, the last state known here
    (for when it did not), and whether this kiosk has not sent it yet."""
    answered, asked = None, False
    if destination is not None:
        from sync.progress_pull import check_now  # sync loads off the screen's thread
        from sync.transport import AuthRefused, LinkDown

        try:
            answered, asked = check_now(destination, site_id, store, reference,
                                        store.clock()), True
        except (LinkDown, AuthRefused) as error:
            print(f"progress not asked: {error}", file=sys.stderr)  # no reference: citizen data
    return answered, asked, store.progress.last_known(reference), \
        store.progress.waiting_here(reference)


class ProgressCheck(QObject):
    def __init__(self, host: Host):
        super().__init__(host.central)  # goes with the window
        self.host = host
        self.screen = ProgressScreen()
        host.stack.addWidget(self.screen)
        host.services.progress_offered = lambda: central_destination(host) is not None
        host.services.progress_chosen.connect(self.open)
        self.screen.left.connect(lambda: host.show_screen(host.services))
        # The dock is built after this part: looked up when the box is shown.
        self.screen.wants_keyboard.connect(lambda box: host.dock.offer(box))
        self.screen.reference_entered.connect(self.check)
        self.pending: str | None = None  # the reference asked about, until its answer

    def open(self) -> None:
        self.screen.language, self.screen.view = self.host.language, None
        self.host.show_screen(self.screen)

    def check(self, typed: str) -> None:
        host, screen = self.host, self.screen
        read = read_typed(typed)
        if read.reference is None:  # a typo is said as one, and never asked about
            screen.show_entry(host.language, read.problem_text(host.language), typed)
            return
        self.pending = reference = read.reference
        screen.show_checking()
        site = host.config.site_id if host.config is not None else host.store.site_id

        def answered(found) -> None:
            if self.pending != reference or host.stack.currentWidget() is not screen:
                return  # the citizen went on meanwhile
            self.pending = None
            state, asked, last_known, waiting_here = found
            screen.show_view(progress_view(reference, state, asked, last_known, host.language,
                                           waiting_here), host.language)
            host.keyboard.hide()

        def failed(error: BaseException) -> None:
            print(f"progress not read: {error.__class__.__name__}", file=sys.stderr)
            answered((None, False, None, False))

        host.tasks.run(LANE, ask, central_destination(host), site, host.store, reference,
                       on_done=host.flow.for_this_visit(answered),
                       on_error=host.flow.for_this_visit(failed))

    def wipe(self) -> None:
        self.pending = None
        self.screen.leave()
