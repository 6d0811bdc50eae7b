"""The helper panel's smaller pages: this visit, saved forms, receipts, settings."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSlider

from kiosk import i18n
from kiosk.store import FoundSubmission
from kiosk.store.clock import local_time
from kiosk.visit import CODE_PROBLEMS

from ..screens.code_label import CodeLabel
from ..screens.common import button, label
from ..style import TEXT_SIZES
from .common import HelperPage


class AssistPage(HelperPage):
    """Helping inside the citizen's visit, only once the citizen has said yes."""

    def refresh(self) -> None:
        content, layout = self.column()
        session = self.host.open_session()
        if session is None:
            layout.addWidget(label(self.t("assist_none")))
        else:
            page_heading = next((w.text() for w in self.host.page.findChildren(QLabel)
                                 if w.objectName() == "heading" and w.text()), "")
            layout.addWidget(label(self.t("assist_visit", form=session.form.title(
                self.host.settings.default_language), page=page_heading), "heading"))
            if any(entry["helper"] == self.mode.helper for entry in session.assistance):
                layout.addWidget(label(self.t("assist_recorded", name=self.mode.helper)))
                layout.addWidget(button(self.t("assist_return"), "primary",
                                        self.mode.close_panel))
            else:
                layout.addWidget(label(self.t("assist_ask")))
                agreed = button(self.t("assist_agreed"), "primary", self._agreed)
                agreed.setProperty("action", "assist_agreed")
                layout.addWidget(agreed)
        layout.addStretch(1)
        self.show_content(content)

    def _agreed(self) -> None:
        session = self.host.open_session()
        if session is None:
            return
        session.record_assistance(self.mode.helper)
        self.mode.did("assist", form=session.form.form_id)
        self.host.flow.autosave()  # the consent is part of the visit, even if it is saved for later
        self.refresh()


class SavedPage(HelperPage):
    """A citizen's saved form, found by its code: continue it with them, or delete it."""

    def refresh(self, message: str = "", keyboard: bool = True) -> None:
        content, layout = self.column()
        layout.addWidget(label(self.t("saved_title"), "heading"))
        if message:
            layout.addWidget(label(message, "notice"))
        row = QHBoxLayout()
        self.box = QLineEdit()
        self.box.setObjectName("helperCode")
        self.box.setAccessibleName(self.t("saved_title"))
        self.box.setProperty("keyboard", "code")
        self.box.setMaxLength(12)
        self.box.returnPressed.connect(self._find)
        row.addWidget(self.box, 1)
        row.addWidget(button(self.t("saved_find"), "primary", self._find))
        layout.addLayout(row)
        layout.addStretch(1)
        self.results = layout
        self.show_content(content)
        self.host.dock.offer(self.box if keyboard else None)
        if keyboard:  # looking, not yet dealing with one: forms a restart cut short, if any
            self.run(self.host.store.drafts.interrupted_autosaves, self.host.flow.visit.draft_id,
                     on_done=self._list_interrupted)

    def _list_interrupted(self, found: list) -> None:
        if not found:
            return
        if not self.box.text():  # the list, not a code, is likely what is wanted now
            self.host.dock.offer(None)
        self.results.insertWidget(self.results.count() - 1,
                                  label(self.t("saved_interrupted_title"), "subheading"))
        for lookup in found:
            self._offer(lookup, "saved_interrupted", "interrupted_continue")

    def _offer(self, lookup, describe: str, action: str) -> None:
        """A saved or interrupted form, described, with Continue and Delete below it."""
        language = self.host.settings.default_language
        form = self.host.catalogue.version(lookup.form_id, lookup.form_version)
        title = form.title(language) if form else lookup.form_id
        at = self.results.count() - 1  # above the stretch
        self.results.insertWidget(at, label(self.t(describe, form=title,
                                                   saved=local_time(lookup.saved_at),
                                                   until=local_time(lookup.expires_at))))
        resume = button(self.t("saved_continue"), "primary", partial(self._continue, lookup))
        resume.setProperty("action", action)
        self.results.insertWidget(at + 1, resume)
        self.results.insertWidget(at + 2, button(self.t("saved_delete"), "savedDelete",
                                                 partial(self._confirm, lookup)))

    def _find(self) -> None:
        self.run(self.host.store.drafts.find_draft, self.box.text(), on_done=self._found)

    def _found(self, lookup) -> None:
        language = self.host.settings.default_language
        if lookup.status != "found":
            key = CODE_PROBLEMS[lookup.status]  # what the citizen's resume screen says too
            self.refresh(i18n.text(language, key, days=self.host.store.drafts.draft_expiry.days))
            return
        self.refresh(keyboard=False)  # found: what to do with it matters now, not typing
        self._offer(lookup, "saved_found", "saved_continue")

    def _continue(self, lookup) -> None:
        def opened(readable: bool) -> None:
            if readable:
                self.mode.did("resume_draft")
                self.mode.open_panel("assist")  # ask the citizen before helping
            elif self.mode.helper is not None and self.isVisible():
                # another install key, say, or a form version no longer here
                self.refresh(self.t("saved_unreadable"), False)

        self.host.flow.open_draft(lookup, opened)  # read off the screen's thread

    def _confirm(self, lookup) -> None:
        self.refresh(keyboard=False)
        at = self.results.count() - 1
        self.results.insertWidget(at, button(self.t("saved_confirm_delete"), "savedConfirmDelete",
                                             partial(self._delete, lookup)))

    def _delete(self, lookup) -> None:
        self.run(self.host.store.drafts.delete_draft, lookup.draft_id, actor=self.mode.helper,
                 on_done=lambda _: self.refresh(self.t("saved_deleted"), False))


class ReceiptsPage(HelperPage):
    """A submission's reference, shown again large (printing comes with the receipts)."""

    def refresh(self, contains: str = "") -> None:
        content, layout = self.column()
        # The box first, its words inside it: with the keyboard up on a small screen the
        # latest receipts stay in sight below it (the Receipts tab above says where this is).
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        row = QHBoxLayout()
        self.box = QLineEdit(contains)
        self.box.setObjectName("helperReference")
        self.box.setAccessibleName(self.t("receipts_filter"))
        self.box.setPlaceholderText(self.t("receipts_filter"))
        self.box.setProperty("keyboard", "code")
        self.box.returnPressed.connect(lambda: self.refresh(self.box.text()))
        row.addWidget(self.box, 1)
        row.addWidget(button(self.t("receipts_show"), "primary",
                             lambda: self.refresh(self.box.text())))
        layout.addLayout(row)
        self.list = layout
        layout.addStretch(1)
        self.show_content(content)
        self.host.dock.offer(self.box)
        self.run(self.host.store.outbox.find_submissions, contains, on_done=self._listed)

    def _describe(self, found: FoundSubmission) -> str:
        form = self.host.catalogue.forms.get(found.form_id)
        title = form.title(self.host.settings.default_language) if form else found.form_id
        return self.t("receipts_reference", form=title, when=local_time(found.created_at),
                      state=self.t(f"state_{found.state}"))

    def _listed(self, rows: list[FoundSubmission]) -> None:
        at = self.list.count() - 1
        if not rows:
            self.list.insertWidget(at, label(self.t("receipts_none")))
        for number, found in enumerate(rows):
            choice = button(f"{found.reference} · {self._describe(found)}", "receiptChoice",
                            partial(self._show, found))
            choice.setProperty("reference", found.reference)
            self.list.insertWidget(at + number, choice)

    def _show(self, found: FoundSubmission) -> None:
        content, layout = self.column()
        layout.addWidget(label(self.t("receipts_reprint"), "heading"))
        layout.addWidget(CodeLabel(found.reference))
        layout.addWidget(label(self._describe(found)))
        self.print_result = label("")
        self.print_result.setObjectName("reprintResult")
        layout.addWidget(self.print_result)
        reprint = button(self.t("receipts_print"), "primary", partial(self._reprint, found))
        reprint.setProperty("action", "reprint")
        layout.addWidget(reprint)
        layout.addWidget(button(self.t("receipts_title"), "", lambda: self.refresh()))
        layout.addStretch(1)
        self.show_content(content)
        self.mode.did("show_receipt", reference=found.reference)

    def _reprint(self, found: FoundSubmission) -> None:
        generation, shown = self.generation, self.print_result

        def printed(result) -> None:
            if generation != self.generation or self.mode.helper is None:
                return  # the helper moved on: this receipt is no longer on screen
            shown.setText(self.t("receipts_printed") if result.ok
                          else self.t("receipts_not_printed"))

        self.host.receipts.print_receipt(found.reference, on_printed=printed)
        self.mode.did("reprint", reference=found.reference)


class SettingsPage(HelperPage):
    """What a helper may change here; what only IT may change, shown but not editable."""

    def refresh(self, message: str = "") -> None:
        host = self.host
        content, layout = self.column()
        if message:
            layout.addWidget(label(message, "notice"))
        layout.addWidget(label(self.t("settings_language"), "heading"))
        layout.addLayout(self._choices(
            "settingLanguage", "default_language", host.settings.default_language,
            {code: i18n.language_name(code) for code in host.languages}, "language"))
        layout.addWidget(label(self.t("settings_text_size"), "heading"))
        layout.addLayout(self._choices(
            "settingTextSize", "default_text_size", host.settings.default_text_size,
            {percent: f"{percent} %" for percent in TEXT_SIZES}, "percent"))
        layout.addWidget(label(self.t("settings_volume"), "heading"))
        row = QHBoxLayout()
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName("settingVolume")
        slider.setAccessibleName(self.t("settings_volume"))
        slider.setRange(0, 100)
        slider.setSingleStep(10)
        slider.setPageStep(10)
        slider.setMinimumHeight(56)
        slider.setValue(host.settings.volume)
        shown = label(f"{host.settings.volume} %")
        slider.valueChanged.connect(lambda value: shown.setText(f"{value} %"))
        # A tap on the track or a drag: kept once the finger has settled, not at every step.
        self._volume_settled = QTimer(self, singleShot=True, interval=400)
        self._volume_settled.timeout.connect(lambda: self._set("volume", slider.value()))
        slider.valueChanged.connect(lambda _: self._volume_settled.start())
        row.addWidget(slider, 1)
        row.addWidget(shown)
        layout.addLayout(row)
        layout.addWidget(label(self.t("settings_it_only"), "heading"))
        for name, value in host.it_settings.items():
            layout.addWidget(label(f"{name}: {value}", "caption"))
        layout.addStretch(1)
        self.show_content(content)

    def _choices(self, name: str, key: str, current, options: dict, prop: str) -> QHBoxLayout:
        """A row of buttons, one per option, the current one marked."""
        row = QHBoxLayout()
        for value, text in options.items():
            choice = button(text, name, partial(self._set, key, value))
            choice.setCheckable(True)
            choice.setChecked(value == current)
            choice.setProperty(prop, value)
            row.addWidget(choice)
        return row

    def _set(self, key: str, value) -> None:
        self.host.flow.change_setting(key, value)
        self.mode.did("settings_changed", setting=key)
        self.refresh(self.t("settings_saved"))
