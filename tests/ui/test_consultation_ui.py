"""A consultation by touch, on a kiosk sending to a real central service on loopback: the
answer goes to the service, is counted there, and comes back as the results on the
confirmation; when the link goes down the kiosk says when the results were last updated."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar

from kiosk.forms.trial import run_trial
from tests.support.central import kiosk_config
from ui.screens.outcome import ResultsPanel

from .helpers import visible_texts

FORM = Path(__file__).resolve().parents[2] / "assets" / "forms" / "market_square_consultation.yaml"
EARLIER = ["plan_a_trees"] * 8 + ["plan_b_market_hall"] * 6 + ["plan_c_parking"] * 5


def panel_on(screen) -> ResultsPanel:
    [panel] = [p for p in screen.findChildren(ResultsPanel) if p.isVisible()]
    return panel


def test_a_vote_goes_to_central_and_comes_back_as_a_result(kiosk, central, tmp_path, qtbot):
    shutil.copy(FORM, central.data_dir / "forms")  # the council published the consultation
    # The service counts the weeks that have ended: its clock 8 days on counts today's.
    central.server.app.tallies.clock = lambda: datetime.now(UTC) + timedelta(days=8)
    window, driver = kiosk(kiosk_config(tmp_path, central))
    qtbot.waitUntil(lambda: window.sync.view is not None, timeout=10_000)
    form = window.catalogue.get("market_square_consultation")
    for plan in EARLIER:  # earlier visits today, not yet sent
        window.store.outbox.submit(run_trial(form, {"plan": plan}).submission, "central")

    driver.start("market_square_consultation", "en")
    first = panel_on(window.page)  # the first page shows what people have said so far
    assert first.view.title == "What people have said so far"
    driver.tap_named("primary")
    driver.enter(window.page.inputs["plan"], "plan_c_parking")
    driver.tap_named("primary")
    driver.tap_named("primary")  # no comment
    assert window.page.session.page().kind == "check"
    driver.tap_named("primary")  # Send my answer
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.done, timeout=10_000)

    # Sent, counted centrally, and back: twenty answers, this one among them.
    qtbot.waitUntil(lambda: "Answers so far: 20" in visible_texts(window), timeout=15_000)
    panel = panel_on(window.done)
    assert [(r.label, r.count, r.percent) for r in panel.view.rows] == [
        ("Plan A: trees, benches and a play area", 8, 40),
        ("Plan B: a covered market hall", 6, 30),
        ("Plan C: more parking and a bus stop", 6, 30)]
    texts = visible_texts(window)
    assert "8 (40%)" in texts and "6 (30%)" in texts
    assert any(text.startswith("Answers counted up to ") for text in texts)
    bars = [b for b in panel.findChildren(QProgressBar) if b.isVisible()]
    assert [b.value() for b in bars] == [40, 30, 30]
    assert bars[2].accessibleName() == "Plan C: more parking and a bus stop: 6 (30%)"
    assert not any("offline" in text for text in texts)

    # The link goes down: the results stay, and the kiosk says when they were fetched.
    central.server.stop()
    window.sync.nudge()
    qtbot.waitUntil(lambda: any(text.startswith("This kiosk is offline. The results were last "
                                                "updated on ") for text in visible_texts(window)),
                    timeout=15_000)
    assert "Answers so far: 20" in visible_texts(window)
    driver.tap_named("primary")  # Finish: the next person sees them on the first page too
    driver.start("market_square_consultation", "fr")
    texts = visible_texts(window)
    assert "Réponses jusqu’ici\u00a0: 20" in texts
    assert any(text.startswith("Cette borne est hors ligne.") for text in texts)
    # Read aloud: the page, then the results, in French.
    qtbot.mouseClick(window.header.speak, Qt.MouseButton.LeftButton)
    language, said = window.voice.speaker.requests[-1]
    assert language == "fr" and said.startswith("La mairie a trois projets")
    assert said.index("Ce que les gens ont répondu jusqu’ici") > said.index("anonyme")
    assert "Projet A : arbres, bancs et aire de jeux: 8 (40 %)" in said
    assert "Réponses jusqu’ici\u00a0: 20" in said


def test_one_answer_per_visit(kiosk, central, tmp_path, qtbot):
    """After sending, the confirmation's only way on is Finish, which ends the visit: a second
    answer needs a new visit (the kiosk identifies nobody, so it cannot do more)."""
    window, driver = kiosk(kiosk_config(tmp_path, central))
    driver.start("market_square_consultation", "en")
    reference = driver.complete({"plan": "plan_a_trees"})
    assert reference
    names = {b.objectName() for b in driver.buttons() if window.done.isAncestorOf(b)}
    assert names == {"primary"}
    driver.tap_named("primary")
    assert window.stack.currentWidget() is window.attract
