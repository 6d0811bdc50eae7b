"""The whole road a ministry's form travels: an XLSForm with every supported feature is
imported with `kiosk forms import`, passes `kiosk forms check`, is filled in by touch on the
real kiosk screens, and its submission reaches an OpenRosa server that holds pyxform's XForm of
the same spreadsheet (every path the kiosk sends is checked against it) exactly once, even
when the first answer is lost after the server stored it (issue 9's "done when")."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

from pyxform.xls2xform import convert

from kiosk.forms.catalogue import load_catalogue
from sync.sealers import sealers_for
from tests.kiosk.xlsform import make_every_feature
from tests.kiosk.xlsform.make_every_feature import ADULT
from tests.sync.openrosa_kit import openrosa_config
from tests.sync.openrosa_server import Fault, OpenRosaServer
from tests.ui.helpers import shown_window
from ui.driver import Driver

VERSION = "2026-11-27"


def kiosk_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True,
                          text=True, timeout=120)


def answers_text(xml: bytes) -> dict[str, str]:
    """Every leaf of the XForm instance, by element name (the last one of a name wins)."""
    return {element.tag.split("}")[-1]: (element.text or "")
            for element in ET.fromstring(xml).iter() if len(element) == 0}


def test_an_xlsform_runs_on_the_kiosk_and_arrives_once(tmp_path, qtbot, sync_worker):
    forms = tmp_path / "forms"
    forms.mkdir()
    imported = kiosk_command("forms", "import", str(make_every_feature.PATH),
                             "-o", str(forms / "every_feature.yaml"))
    assert imported.returncode == 0, imported.stderr
    checked = kiosk_command("forms", "check", str(forms))
    assert checked.returncode == 0, checked.stdout + checked.stderr

    with OpenRosaServer(forms={"every_feature": [VERSION]}) as server:
        # the same spreadsheet published on the server, as Central converts it
        server.publish(convert(xlsform=str(make_every_feature.PATH), form_name="data")
                       .xform.encode("utf-8"))
        config = openrosa_config(tmp_path, server.url, forms, name="central")
        store = config.open_store(sealers=sealers_for(config))  # as `kiosk run` opens it
        catalogue = load_catalogue(forms)
        assert list(catalogue.forms) == ["every_feature"]
        window = shown_window(qtbot, catalogue, store, config, locked=False)
        driver = Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))
        try:
            driver.start("every_feature", "en")
            reference = driver.complete(ADULT)
            driver.tap_named("primary")  # Finish: the visit is wiped
            qtbot.waitUntil(lambda: not window.tasks.busy())
        finally:
            window.shutdown()
        with store.reader() as conn:
            instance_id = conn.execute("SELECT id FROM submissions WHERE reference = ?",
                                       (reference,)).fetchone()[0]

        server.faults.append(Fault("POST", after_storing=True))  # the 201 never arrives
        worker = sync_worker(store, config)
        for _ in range(3):  # the lost answer, a retry, then nothing left to send
            worker.run_once(send_all=True)
        assert store.outbox.queue_summary().counts["delivered"] == 1
        store.close()

    assert list(server.records) == [instance_id]  # exactly once, however often it was sent
    record = server.records[instance_id]
    assert record.posts >= 2  # it was sent again after the lost answer
    assert (record.form_id, record.version) == ("every_feature", VERSION)
    values = answers_text(record.xml)
    assert values["visitor_name"] == "Sam"
    assert values["age"] == "34"
    assert values["topics"] == "housing other"
    assert values["topic_other"] == "The bus timetable"
    assert values["child_name"] == "Kim"
    assert values["instanceID"] == instance_id
