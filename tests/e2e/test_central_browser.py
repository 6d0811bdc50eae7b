"""The staff console and the citizen's status page in a real browser (Debian's Chromium, driven
by Selenium), against the central as sites run it (gunicorn, 4 workers) on SQLite and on
PostgreSQL, with a real kiosk on the other side: a kiosk's store and sync worker deliver a
submission; a caseworker made with `kiosk central add-staff` signs in, finds it by its
reference, opens it and asks the citizen for more information; the status page behind the
receipt's QR code says so in English and in Arabic, and so does the kiosk's "Check the progress
of an application" service. Also: the lockout after wrong passwords says so, a viewer cannot
open a submission, and the pages pass an accessibility check (axe-core and our own).

Every test id carries `browser` (`pytest -k browser`) and, on PostgreSQL, `postgres`."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from kiosk.forms.catalogue import load_catalogue
from sync.central.setup import init_central
from sync.central.web.console.auth import WRONG
from sync.central.web.console.guard import FAILURES_PER_LOCK
from sync.worker import SyncWorker
from tests.kiosk.store_helpers import fake_submission
from tests.support.browser import (
    accessibility_problems,
    chromium,
    click_to_next_page,
    scrolls_sideways_at_320,
)
from tests.support.central import kiosk_config
from tests.support.paths import ROOT
from tests.support.served_central import add_staff, served
from tests.ui.helpers import shown_window, visible_texts
from tests.ui.keyboard_taps import tap_keys
from ui.driver import Driver
from ui.sync_runner import SyncRunner

pytestmark = pytest.mark.network  # the central is served by gunicorn, in its own processes

NOTE = "Send us a photo of the pothole, at the Town Hall reception or by post."
CASEWORKER, VIEWER, ADMINISTRATOR = "cara", "vic", "ada"
PASSWORDS = {CASEWORKER: "made-up passphrase for cara 42", VIEWER: "made-up passphrase for vic 17",
             ADMINISTRATOR: "made-up passphrase for ada 93"}


@pytest.fixture
def central_folder(tmp_path, central_database_url):
    """A central's data folder on SQLite or on PostgreSQL, with a caseworker and a viewer."""
    folder = tmp_path / "central"
    init = init_central(folder, "http://127.0.0.1:8765", device_id="hall-7",
                        database_url=central_database_url)
    for name in (CASEWORKER, VIEWER):
        add_staff(folder, name, "caseworker" if name == CASEWORKER else "viewer",
                  PASSWORDS[name])
    return folder, init


@pytest.fixture
def site(central_folder):
    """The central served by gunicorn with 4 workers: its URL and what `central init` gave."""
    folder, init = central_folder
    with served(folder) as url:
        yield types.SimpleNamespace(url=url, init=init, folder=folder)


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


def kiosk_for(tmp_path: Path, site):
    """A kiosk's config sending to `site`, with time for a worker's first request (gunicorn's
    workers load Django on their first)."""
    return kiosk_config(tmp_path, site, url=site.url, timeout_seconds=10)


def deliver(tmp_path: Path, site, sync_worker) -> str:
    """A visit sealed and sent by a kiosk's own store and sync worker; its reference."""
    config = kiosk_for(tmp_path, site)
    with config.open_store() as store:
        reference = store.outbox.submit(fake_submission(1), "central")
        assert sync_worker(store, config).run_once().delivered == 1
    return reference


def sign_in(browser: WebDriver, url: str, username: str, password: str) -> None:
    browser.get(url + "/console/sign-in")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(password)
    click_to_next_page(browser, browser.find_element(By.ID, "sign-in"))


def find_by_reference(browser: WebDriver, url: str, reference: str):
    """The inbox's search, as staff use it: the reference typed in, the row it finds."""
    browser.get(url + "/console/inbox")
    box = browser.find_element(By.ID, "id_reference")
    box.clear()
    box.send_keys(reference)
    click_to_next_page(browser, browser.find_element(By.ID, "search"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#inbox-table tbody tr")
    assert [row.get_attribute("data-reference") for row in rows] == [reference]
    return rows[0]


def text_of(browser: WebDriver, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


def test_browser_a_caseworker_asks_for_information_and_the_citizen_sees_it_everywhere(
        site, browser, tmp_path, qtbot):
    # The kiosk, as `kiosk run` builds it, sends a visit to the service.
    config = kiosk_for(tmp_path, site)
    store = config.open_store()
    window = shown_window(qtbot, load_catalogue(ROOT / "assets" / "forms"), store, config,
                          locked=False)
    window.attach_sync(SyncRunner(window.tasks, store, lambda: SyncWorker(store, config), 3600,
                                  config.load_catalogue))
    try:
        qtbot.waitUntil(lambda: window.sync.view is not None, timeout=10_000)
        reference = store.outbox.submit(fake_submission(1), "central")
        window.sync.nudge()
        qtbot.waitUntil(lambda: store.outbox.receipt(reference).state == "delivered",
                        timeout=15_000)

        # The caseworker finds it by its reference and asks for more information.
        sign_in(browser, site.url, CASEWORKER, PASSWORDS[CASEWORKER])
        assert browser.current_url == site.url + "/console/inbox"
        row = find_by_reference(browser, site.url, reference)
        assert row.find_element(By.CSS_SELECTOR, ".state").text == "Received"
        click_to_next_page(browser, row.find_element(By.CSS_SELECTOR, "a.open-submission"))
        assert text_of(browser, "reference") == reference
        browser.find_element(By.CSS_SELECTOR, "label[for=state-needs_information]").click()
        browser.find_element(By.ID, "id_note").send_keys(NOTE)
        click_to_next_page(browser, browser.find_element(By.ID, "change-state"))
        assert text_of(browser, "current-state") == "Needs information"
        assert text_of(browser, "current-note") == NOTE
        row = find_by_reference(browser, site.url, reference)
        assert row.find_element(By.CSS_SELECTOR, ".state").text == "Needs information"

        # The citizen scans the receipt's QR code: the status page, in English then Arabic.
        browser.get(f"{site.url}/status?ref={reference}")
        assert browser.find_element(By.ID, "state").get_attribute("data-state") \
            == "needs_information"
        assert text_of(browser, "state-heading") == "We need more information from you"
        assert text_of(browser, "note-text") == NOTE
        assert reference in text_of(browser, "state-reference")
        browser.get(f"{site.url}/status?ref={reference}&lang=ar")
        page = browser.find_element(By.TAG_NAME, "html")
        assert (page.get_attribute("lang"), page.get_attribute("dir")) == ("ar", "rtl")
        assert text_of(browser, "note-text") == NOTE
        assert text_of(browser, "page-heading") != "Check the progress of your application"

        # At the kiosk, the citizen types the reference and sees the same note.
        Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))._tap_tile(
            "en", progress=True)
        screen = window.others.progress.screen
        assert window.stack.currentWidget() is screen
        tap_keys(qtbot, window, *[c for c in reference if c != "-"], "key_enter")
        qtbot.waitUntil(lambda: "We need more information from you" in [
            w.text() for w in screen.findChildren(QLabel)
            if w.isVisible() and w.property("progressState")], timeout=15_000)
        assert f"\u2068{NOTE}\u2069" in visible_texts(window)
    finally:
        window.shutdown()
        store.close()


def test_browser_repeated_wrong_passwords_lock_the_account_and_the_page_says_so(site, browser):
    said = []
    for _ in range(FAILURES_PER_LOCK):
        sign_in(browser, site.url, CASEWORKER, "not the password at all")
        said.append(text_of(browser, "sign-in-error"))
    assert said[:FAILURES_PER_LOCK - 1] == [WRONG] * (FAILURES_PER_LOCK - 1)
    sign_in(browser, site.url, CASEWORKER, PASSWORDS[CASEWORKER])  # right, but too late
    message = text_of(browser, "sign-in-error")
    assert "locked after too many failed sign-ins. Try again from" in message
    assert browser.current_url.startswith(site.url + "/console/sign-in")


def test_browser_a_viewer_sees_the_inbox_but_cannot_open_a_submission(
        site, browser, tmp_path, sync_worker):
    reference = deliver(tmp_path, site, sync_worker)
    sign_in(browser, site.url, VIEWER, PASSWORDS[VIEWER])
    row = find_by_reference(browser, site.url, reference)
    assert row.find_elements(By.CSS_SELECTOR, "a.open-submission") == []  # no link to it
    instance_id = row.get_attribute("data-instance-id")
    browser.get(f"{site.url}/console/submissions/{instance_id}")  # the address typed in
    assert text_of(browser, "forbidden") == "You cannot open this page"
    assert "Test Street" not in browser.page_source  # none of the answers


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_browser_the_status_page_works_without_javascript(site, tmp_path, sync_worker):
    reference = deliver(tmp_path, site, sync_worker)
    with chromium(javascript=False) as plain:
        plain.get(site.url + "/status?lang=fr")
        assert plain.find_elements(By.TAG_NAME, "script") == []  # none to need
        plain.find_element(By.ID, "ref").send_keys(reference.lower().replace("-", " "))
        click_to_next_page(plain, plain.find_element(By.ID, "check"))
        assert plain.find_element(By.ID, "state").get_attribute("data-state") == "received"
        assert plain.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
        assert reference in text_of(plain, "state-reference")


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_browser_the_status_page_and_the_console_pass_the_accessibility_check(
        site, browser, tmp_path, sync_worker):
    reference = deliver(tmp_path, site, sync_worker)
    pages = {"status page, empty": "/status", "status page, a result": f"/status?ref={reference}",
             "status page, mistyped": "/status?ref=LIB01-K7QFM-2XD9A",
             "status page in Arabic": f"/status?ref={reference}&lang=ar",
             "sign-in page": "/console/sign-in"}
    problems = {name: accessibility_problems_at(browser, site.url + path)
                + scrolls_sideways_at_320(browser, site.url + path)
                for name, path in pages.items()}
    sign_in(browser, site.url, ADMINISTRATOR, "not the password")
    problems["sign-in page, a wrong password"] = accessibility_problems(browser)
    add_staff(site.folder, ADMINISTRATOR, "administrator", PASSWORDS[ADMINISTRATOR])
    sign_in(browser, site.url, ADMINISTRATOR, PASSWORDS[ADMINISTRATOR])
    instance_id = find_by_reference(browser, site.url, reference).get_attribute(
        "data-instance-id")
    console = {"inbox": "/console/inbox", "a submission": f"/console/submissions/{instance_id}",
               "exports": "/console/exports", "forms": "/console/forms",
               "fleet": "/console/fleet", "kiosks": "/console/kiosks",
               "staff": "/console/staff", "audit log": "/console/audit",
               "password": "/console/password"}
    for name, path in console.items():
        problems[name] = accessibility_problems_at(browser, site.url + path)
    report = [f"{name}: {line}" for name, found in problems.items() for line in found]
    assert not report, "\n".join(report)


def accessibility_problems_at(browser: WebDriver, url: str) -> list[str]:
    browser.get(url)
    return accessibility_problems(browser)


BAD_PAGE = """<!DOCTYPE html><html><head><style>
.pale { color: #999999; } button { width: 16px; height: 16px; padding: 0; margin: 0; }
:focus { outline: none; }</style></head><body>
<h1>One</h1><h1>Two</h1><p class="pale">Grey on white, 2.8:1</p>
<input type="text" name="nameless"><div tabindex="3">Jumps the queue</div>
<button>a</button><button>b</button><div style="width: 600px">Too wide</div></body></html>"""


def test_browser_the_accessibility_check_finds_what_it_checks(browser, tmp_path):
    """The check, on a page built to fail it: each of its rules says so (it is not silent)."""
    page = tmp_path / "bad.html"
    page.write_text(BAD_PAGE, encoding="utf-8")
    found = "\n".join(accessibility_problems_at(browser, page.as_uri()))
    for expected in ("no label: input", "2 h1 headings", "html has no lang",
                     "positive tabindex: div", "contrast 2.85:1 < 4.5:1: p.pale",
                     "too close to another: button", "focus not visible on button",
                     "axe label", "axe color-contrast", "axe html-has-lang"):
        assert expected in found, found
    assert scrolls_sideways_at_320(browser, page.as_uri()) == [
        "scrolls sideways at 320 px: 608 px wide"]
