"""The central service's pages as staff and citizens see them, into docs/screenshots/: the
console's inbox, a submission, the fleet (one kiosk silent), a form upload refused with its
errors by row, and the status page in English and Arabic. Headless Chromium (Debian's), driven
by Selenium, against a central on loopback filled by real kiosk stores and sync workers:
    python tests/e2e/screenshots_central.py      (or `make screenshots`)
Made-up data only: no real person's details."""

from __future__ import annotations

import base64
import json
import shutil
import sys
import tempfile
import tomllib
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.by import By  # noqa: E402

from kiosk.config import load_config  # noqa: E402
from kiosk.forms.xlsform.writing import write_workbook  # noqa: E402
from sync.central.records import utc_now  # noqa: E402
from sync.central.server import CentralServer  # noqa: E402
from sync.central.setup import InitResult, init_central  # noqa: E402
from sync.central.web.models import Heartbeat  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from tests.support.browser import chromium, click_to_next_page  # noqa: E402
from tests.support.served_central import add_staff  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PASSWORD = "made-up passphrase for the screenshots 61"
NOTE = ("Thank you. Please send us a photo of the pothole, at the Town Hall reception or by "
        "post to Town Hall, Mill Lane. We will then send a team within five working days.")
VISITS = [  # (category, detail, street, urgency, description): all made up
    ("pothole", "pothole_road", "Mill Lane, by the bus stop", "dangerous_now",
     "A deep pothole in the left lane; cars swerve round it."),
    ("street_light", None, "Orchard Way, outside number 12", "not_urgent",
     "The street light flickers all night."),
    ("fly_tipping", None, "The path behind the library", "not_urgent",
     "Two mattresses and some bags of rubbish."),
    ("graffiti", None, "Station Road underpass", "not_urgent", "Paint on the east wall."),
    ("pothole", "pothole_pavement", "Church Street, near the school gate", "needs_fixing_soon",
     "Children trip over the broken paving."),
]
KIOSKS = {"LIB01": "library-1", "TWN02": "town-hall-2", "MKT03": "market-3"}


def visit(number: int, category: str, detail: str | None, street: str, urgency: str,
          description: str) -> dict:
    answers = {"category": category, "location": street, "urgency": urgency,
               "noticed_date": "2026-12-01", "problem_description": description}
    if detail:
        answers["problem_detail"] = detail
    return {"instance_id": f"uuid:00000000-0000-4000-8000-{number:012d}",
            "form_id": "report_problem", "form_version": "1", "language": "en",
            "started_at": "2026-12-07T09:00:00+00:00",
            "completed_at": "2026-12-07T09:04:00+00:00",
            "instance_name": f"Problem - {category} - {street}", "answers": answers,
            "receipt": [{"name": "location", "label": "Where is the problem?", "answer": street}]}


def kiosk_sends(folder: Path, block: dict, site_id: str, device_id: str,
                visits: list[dict]) -> list[str]:
    """A kiosk's own store and sync worker send `visits` (and its heartbeat); the references.
    Its config is `central init`'s block (`block`: url and token set for this kiosk)."""
    file = folder / f"{device_id}.toml"
    lines = [f"site_id = {json.dumps(site_id)}", f"data_dir = {json.dumps(str(folder / device_id))}",
             "heartbeat_minutes = 5", "", "[destinations.central]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in block.items() if value is not None]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(file, environ={})
    with config.open_store() as store:
        references = [store.outbox.submit(v, "central") for v in visits]
        worker = SyncWorker(store, config)
        try:
            result = worker.run_once()
            assert result.delivered == len(visits), result
        finally:
            worker.close()
    return references


def fill(folder: Path, server: CentralServer, init: InitResult) -> dict[str, str]:
    """Three kiosks' visits, reviewed as a council's week goes; the market's kiosk silent."""
    store = server.store
    block = tomllib.loads(init.toml_block)["destinations"]["central"] | {"url": server.url}
    tokens = {"library-1": init.device_token}
    for device in ("town-hall-2", "market-3"):
        tokens[device] = store.add_device(device)
    visits = [visit(n, *v) for n, v in enumerate(VISITS, 1)]
    references: list[str] = []
    for (site_id, device), chunk in zip(KIOSKS.items(), (visits[:3], visits[3:4], visits[4:]),
                                        strict=True):
        references += kiosk_sends(folder, block | {"token": tokens[device], "device_id": device}, site_id, device,
                                  chunk)
    ids = [v["instance_id"] for v in visits]
    store.change_review_state(ids[0], "needs_information", "cara", NOTE)
    store.change_review_state(ids[1], "in_review", "cara")
    store.change_review_state(ids[2], "approved", "cara",
                              "The rubbish will be collected on Thursday.")
    # The market's kiosk last beat three hours ago: two 5-minute beats missed, and more.
    # with three visits it could not send since a while before that.
    now = _parse(utc_now())
    Heartbeat.objects.using(store.alias).filter(device_id="market-3").update(
        received_at=(now - timedelta(hours=3)).isoformat(timespec="milliseconds"),
        queue_depth=3,
        oldest_waiting=(now - timedelta(hours=3, minutes=40)).isoformat(timespec="milliseconds"))
    return {"needs_information": references[0], "instance_id": ids[0]}


def _parse(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def bad_xlsform(folder: Path) -> Path:
    """An XLSForm a council officer might send: an unknown question type, a choice list that
    does not exist, a question without a name."""
    return write_workbook(folder / "bin_collection.xlsx", {
        "survey": [["type", "name", "label"],
                   ["text", "address", "Your address"],
                   ["select_one bin_types", "bin", "Which bin was missed?"],
                   ["geopoint", "where", "Where is the bin?"],
                   ["text", "", "Anything else?"]],
        "choices": [["list_name", "name", "label"], ["bins", "general", "General waste"],
                    ["bins", "recycling", "Recycling"]],
        "settings": [["form_title", "form_id", "version", "default_language"],
                     ["Missed bin collection", "bin_collection", "1", "English (en)"]]})


def shoot(driver, name: str, width: int = 1280) -> None:
    """The whole page, as tall as its content, at `width` CSS pixels (DevTools' own capture:
    a window's height would include what the browser draws around the page)."""
    driver.set_window_size(width, 900)
    driver.execute_script("window.scrollTo(0, 0); document.activeElement.blur();")
    height = driver.execute_script(  # the content's, not the window's when it is shorter
        "return Math.ceil(document.documentElement.getBoundingClientRect().height)")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    (OUT / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
    print(f"docs/screenshots/{name}.png")


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="central-shots-"))
    try:
        central = folder / "central"
        init = init_central(central, "http://127.0.0.1:8765", device_id="library-1")
        shutil.copytree(ROOT / "assets" / "forms", central / "forms", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("xlsform"))
        add_staff(central, "cara", "administrator", PASSWORD)
        server = CentralServer(central, log=lambda line: None).start()
        try:
            found = fill(folder, server, init)
            with chromium() as driver:
                browser_tour(driver, server.url, found, bad_xlsform(folder))
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def browser_tour(driver, url: str, found: dict[str, str], xlsform: Path) -> None:
    reference = found["needs_information"]
    for lang, name in (("en", "status-page-en"), ("ar", "status-page-ar")):
        driver.get(f"{url}/status?ref={reference}&lang={lang}")
        shoot(driver, name, width=800)
    driver.get(url + "/console/sign-in")
    driver.find_element(By.ID, "username").send_keys("cara")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    click_to_next_page(driver, driver.find_element(By.ID, "sign-in"))
    driver.get(url + "/console/inbox")
    shoot(driver, "console-inbox")
    driver.get(f"{url}/console/submissions/{found['instance_id']}")
    shoot(driver, "console-submission")
    driver.get(url + "/console/fleet")
    shoot(driver, "console-fleet")
    driver.get(url + "/console/forms")
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(xlsform))
    click_to_next_page(driver, driver.find_element(By.ID, "upload-form"))
    shoot(driver, "console-form-upload-errors")


if __name__ == "__main__":
    sys.exit(main())
