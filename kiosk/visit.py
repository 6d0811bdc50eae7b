"""One person's time at the kiosk, from the first touch to the wipe: what the visit decides.

Qt-free, so every rule of a visit is tested without a screen. The window shows a visit and
runs its storage work on the task runner: the functions here that take a store are meant for
that runner's thread, and change nothing the screen holds; a `Visit` is changed only on the
screen's thread, by the results they return.

The wipe makes a new `Visit`: nothing of the last person (their draft, their wrong codes,
their read-aloud choices) can outlive it, and a late result of their storage work is known
by the visit it was for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.forms.catalogue import Catalogue
    from kiosk.forms.form import Form
    from kiosk.forms.session import Session
    from kiosk.forms.snapshot import Restored
    from kiosk.forms.submission import Submission
    from kiosk.store import DraftLookup, Store

TEXT_SIZES = (100, 150, 200)  # the text sizes a citizen (and staff, for each visit) can choose
VolumeLevel = Literal["quiet", "normal", "loud"]
VOLUME_LEVELS: tuple[VolumeLevel, ...] = ("quiet", "normal", "loud")
MAX_CODE_TRIES = 5  # wrong resume codes in one visit before it is wiped (guessing); the
# kiosk-wide wait (kiosk/store/code_guard.py) is what a new visit does not clear
SETTINGS_KEY = "kiosk_settings"  # where what staff changed in helper mode is kept

CODE_PROBLEMS = {"typo": "ui.code_typo", "unknown": "ui.code_unknown",
                 "expired": "ui.code_expired", "wait": "ui.code_wait"}


def visit_volume(normal: int, level: VolumeLevel) -> int:
    """Staff set the normal volume; the citizen may make it quieter or louder."""
    return {"quiet": normal // 2, "normal": normal, "loud": min(100, normal + 30)}[level]


@dataclass(frozen=True)
class StaffSettings:
    """What staff may change in helper mode: it applies from the next visit and is kept."""

    default_language: str = "en"
    default_text_size: int = 100
    volume: int = 80  # read-aloud's normal volume, in percent

    def changed(self, key: str, value: object, languages: list[str]) -> StaffSettings:
        """These settings with one changed; a value the kiosk cannot use changes nothing."""
        if key == "default_language" and value in languages:
            return replace(self, default_language=str(value))
        if key == "default_text_size" and value in TEXT_SIZES and isinstance(value, int):
            return replace(self, default_text_size=value)
        if key == "volume" and isinstance(value, int) and not isinstance(value, bool) \
                and 0 <= value <= 100:
            return replace(self, volume=value)
        return self

    def with_stored(self, stored: object, languages: list[str]) -> StaffSettings:
        """These settings with what staff kept earlier applied (what is still valid of it)."""
        settings = self
        if isinstance(stored, dict):
            for key, value in stored.items():
                settings = settings.changed(str(key), value, languages)
        return settings

    def stored(self) -> dict[str, object]:
        return {"default_language": self.default_language,
                "default_text_size": self.default_text_size, "volume": self.volume}


@dataclass(frozen=True)
class Finished:
    """A form sent: what the store keeps, where it goes, and the draft it replaces."""

    submission: Submission
    destination: str
    assisted_by: str | None
    draft_id: str | None

    def store_in(self, store: Store) -> str:
        """Storage work: the reference, after the commit (the draft goes in the same one)."""
        return store.outbox.submit(self.submission, self.destination, self.assisted_by, self.draft_id)


@dataclass(frozen=True)
class CodeAnswer:
    """What a typed resume code found: a saved form to continue, or why not."""

    draft_id: str | None = None
    restored: Restored | None = None
    problem: str | None = None  # the interface text's key, when there is nothing to continue
    counts_as_wrong: bool = False  # a code that opens nothing (a guess, perhaps)
    expiry_days: int = 0  # for "codes last N days"
    wait_minutes: int = 0  # for "try again in N minutes": wrong codes paused look-ups

    def problem_text(self, language: str) -> str:
        """What the resume screen says (the answer opened nothing)."""
        from kiosk import i18n

        problem = self.problem or "ui.draft_unreadable"
        if problem == "ui.code_expired":
            return i18n.text(language, problem, days=self.expiry_days)
        if problem == "ui.code_wait":
            return i18n.text(language, problem, count=self.wait_minutes)
        return i18n.text(language, problem)


def read_draft(store: Store, catalogue: Catalogue, lookup: DraftLookup,
               form: Form | None = None) -> Restored | None:
    """Storage work: a saved form on the version it began on; None when it cannot be read
    (a new install key, or a damaged draft) or its form version is gone."""
    from kiosk.forms.snapshot import restore_session
    from kiosk.store import StoreError

    form = form or catalogue.version(lookup.form_id or "", lookup.form_version)
    if form is None or lookup.draft_id is None:
        return None
    try:
        state = store.drafts.load_draft(lookup.draft_id)
        if state is None:
            return None
        return restore_session(form, state)
    except (StoreError, KeyError, ValueError, TypeError):
        return None  # said as "cannot be read", never pretended gone


def look_up_code(store: Store, catalogue: Catalogue, typed: str) -> CodeAnswer:
    """Storage work: the saved form a typed code opens, read and brought back. While wrong
    codes have paused look-ups on this kiosk, or when this one starts a pause, the answer is
    the wait, in whole minutes (said on screen, not wiped: the wait is what stops guessing)."""
    lookup = store.drafts.try_code(typed)
    if lookup.wait_seconds > 0:
        return CodeAnswer(problem="ui.code_wait", wait_minutes=math.ceil(lookup.wait_seconds / 60))
    problem = CODE_PROBLEMS.get(lookup.status)
    form = catalogue.version(lookup.form_id or "", lookup.form_version)
    if problem is None and form is None:
        problem = "ui.form_gone"
    if problem is not None:
        return CodeAnswer(problem=problem, counts_as_wrong=True,
                          expiry_days=store.drafts.draft_expiry.days)
    restored = read_draft(store, catalogue, lookup, form)
    if restored is None:
        return CodeAnswer(problem="ui.draft_unreadable")
    return CodeAnswer(draft_id=lookup.draft_id, restored=restored)


class Visit:
    """The visit on screen now. The window keeps one and replaces it at every wipe."""

    def __init__(self, number: int = 0, language: str = "en"):
        self.number = number  # a late result of an earlier visit is known by this
        self.language = language  # the language the citizen chose (a form may show another)
        self.draft_id: str | None = None  # the autosave (or the saved form) this visit writes
        self.failed_codes = 0
        self.done_reference: str | None = None  # the reference on the confirmation screen
        self.listening = False  # the citizen has used read-aloud
        self.volume_level: VolumeLevel = "normal"

    def next(self, language: str) -> Visit:
        """The wipe: a new visit, for the next person."""
        return Visit(self.number + 1, language)

    def volume(self, settings: StaffSettings) -> int:
        return visit_volume(settings.volume, self.volume_level)

    def take_draft(self) -> str | None:
        """The draft leaves the visit (sent or saved with it): no wipe deletes it meanwhile;
        `keep_draft` gives it back when storing failed."""
        draft_id, self.draft_id = self.draft_id, None
        return draft_id

    def keep_draft(self, draft_id: str | None) -> None:
        self.draft_id = draft_id

    def wrong_code(self) -> bool:
        """One more code that opened nothing; True when that was one too many: the visit is
        wiped, and the person starts again (with staff)."""
        self.failed_codes += 1
        return self.failed_codes >= MAX_CODE_TRIES

    def finish(self, session: Session) -> Finished:
        """Send: the submission, where it goes, who helped. Raises IncompleteError (nothing
        taken) when a question still needs an answer."""
        submission = session.submission()
        draft_id = self.take_draft()
        return Finished(submission, session.form.definition.settings.destination,
                        session.assisted_by, draft_id)


@dataclass(frozen=True)
class Printable:
    """A receipt or a slip made ready to print: the PDF, and what its QR code holds."""

    pdf: bytes
    payload: str
    modules: list[list[bool]]
    slip: bool = False


def make_receipt(store: Store, catalogue: Catalogue, reference: str, form: Form | None,
                 config: Config) -> Printable:
    """Storage work: the receipt of a stored visit, made with the form it was made on."""
    from kiosk.receipts import qr_modules, qr_payload, receipt_content, render_receipt

    stored = store.outbox.receipt(reference)
    if stored is None:
        raise KeyError("no such reference")
    form = form or catalogue.version(stored.form_id, stored.form_version)
    content = receipt_content(stored, form, config)
    payload = qr_payload(content)
    return Printable(render_receipt(content, config.receipt_layout), payload,
                     qr_modules(payload))


def make_slip(form: Form, code: str, expires: datetime, language: str,
              config: Config) -> Printable:
    """The slip a citizen takes away with the code of a form saved to finish later."""
    from kiosk.receipts import qr_modules, render_draft_slip, slip_content

    pdf = render_draft_slip(slip_content(form, code, expires, language, config),
                            config.receipt_layout)
    return Printable(pdf, code, qr_modules(code), slip=True)
