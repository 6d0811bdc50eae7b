"""A kiosk window over a folder holding one form a test writes, for screens the sample forms do
not show (a signature, a decimal, a form in one language)."""

from pathlib import Path
from textwrap import dedent

from kiosk.config import Config
from kiosk.forms.catalogue import load_catalogue
from ui.main_window import MainWindow


def open_window(qtbot, store, folder):
    window = MainWindow(load_catalogue(folder), store, language="en")
    window.config = Config(site_id=store.site_id, printer="none")
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.resize(1024, 768)
    window.show()
    window.flow.begin("en")  # past the attract screen, to the service list
    return window


def one_form(tmp_path, survey: str, extra: str = "") -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "review.yaml").write_text(dedent("""\
        form_id: review
        version: "1"
        title: Review form
        default_language: en
        languages: [en]
        survey:
        """) + dedent(survey) + dedent(extra), encoding="utf-8")
    return folder
