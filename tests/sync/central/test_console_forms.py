"""Forms in the staff console: what is served and what is not (with its problems by row), an
administrator's upload checked by the kiosk's own checker before it reaches forms/, hostile
files refused with a message, and information services served to kiosks."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import requests

from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.xlsform.writing import write_workbook
from sync.central.web.databases import serving
from sync.central.web.models import StaffAudit
from sync.forms_pull import pull_forms
from sync.transport import RestTransport
from tests.support.central import kiosk_config
from tests.support.console import csrf_token
from tests.support.hostile_forms import alias_bomb, deep_form

from .central_kit import FORMS

UPLOAD = "/console/forms/upload"
SURVEY = [["type", "name", "label"],
          ["text", "name", "Your name"],
          ["select_one colours", "colour", "Favourite colour"]]
CHOICES = [["list_name", "name", "label"], ["colours", "red", "Red"],
           ["colours", "blue", "Blue"]]


def _xlsform(tmp_path: Path, survey=SURVEY, version: str = "1") -> bytes:
    path = write_workbook(tmp_path / "colours.xlsx", {
        "survey": survey, "choices": CHOICES,
        "settings": [["form_title", "form_id", "version", "default_language"],
                     ["Colours", "colours", version, "English (en)"]]})
    return path.read_bytes()


def _catalogue(service, etag: str | None = None) -> requests.Response:
    headers = service.device_headers()
    if etag:
        headers["If-None-Match"] = etag
    return requests.get(service.url + "/v1/forms", headers=headers, timeout=10)


def _upload(browser: requests.Session, service, name: str, data: bytes) -> requests.Response:
    page = browser.get(service.url + "/console/forms")
    return browser.post(service.url + UPLOAD, data={"csrfmiddlewaretoken": csrf_token(None, page.text)},
                        files={"form_file": (name, data)}, timeout=30)


def _forms_folder(service) -> list[str]:
    return sorted(path.name for path in (service.data_dir / "forms").iterdir())


def _problem_rows(page: requests.Response) -> list[str]:
    body = page.text.split('id="upload-problems"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<tr class="upload-problem"[^>]*>(.*?)</tr>', body, re.S)
    return [" | ".join(re.sub(r"<[^>]+>", "", cell).strip()
                       for cell in re.findall(r"<td>(.*?)</td>", row, re.S)) for row in cells]


@pytest.fixture
def admin(console) -> requests.Session:
    return console.signed_in("test-administrator", "administrator")


def test_the_page_lists_what_is_served_and_each_problem_of_what_is_not(service, admin):
    (service.data_dir / "forms" / "broken.yaml").write_text(
        'form_id: broken\nversion: "1"\ntitle: Broken\ndefault_language: en\n'
        "languages: [en]\nsurvey:\n  - type: textt\n    name: q\n    label: Q\n")
    page = admin.get(service.url + "/console/forms")
    assert page.status_code == 200
    assert 'id="served-feedback_services"' in page.text
    assert "feedback_services.yaml" in page.text
    unserved = page.text.split('id="unserved-forms"', 1)[1]
    assert 'data-file="broken.yaml"' in unserved
    assert "line 7" in unserved and "&#x27;textt&#x27; is not a question type" in unserved


def test_an_xlsform_with_errors_shows_them_by_sheet_and_row_and_writes_nothing(
        service, admin, tmp_path):
    before, etag = _forms_folder(service), _catalogue(service).headers["ETag"]
    survey = [*SURVEY, ["geopoint", "where", "Where are you?"]]
    page = _upload(admin, service, "colours.xlsx", _xlsform(tmp_path, survey))
    assert page.status_code == 400
    assert "colours.xlsx was not put on the service" in page.text
    rows = _problem_rows(page)
    assert len(rows) == 1
    assert rows[0].startswith("survey sheet, row 4 |  | type |")
    assert "not supported on the kiosk" in rows[0]
    assert _forms_folder(service) == before
    assert _catalogue(service, etag).status_code == 304  # kiosks see no change


def test_a_yaml_form_with_errors_shows_them_by_line(service, admin):
    text = (FORMS / "report_problem.yaml").read_text(encoding="utf-8")
    page = _upload(admin, service, "report_problem.yaml",
                   text.replace("type: text", "type: textt", 1).encode())
    assert page.status_code == 400
    [row] = _problem_rows(page)
    assert re.match(r"line \d+ \| location \| type \| 'textt' is not a question type", row.replace("&#x27;", "'"))
    assert "report_problem.yaml" not in _forms_folder(service)


def test_a_good_xlsform_is_served_to_kiosks_with_a_new_etag(service, admin, tmp_path):
    etag = _catalogue(service).headers["ETag"]
    page = _upload(admin, service, "colours.xlsx", _xlsform(tmp_path))
    assert page.status_code == 200, page.text
    assert "<strong>colours</strong> version 1 is served" in page.text
    assert "colours.yaml" in _forms_folder(service)
    listing = _catalogue(service, etag)
    assert listing.status_code == 200 and listing.headers["ETag"] != etag
    served = {entry["form_id"]: entry for entry in listing.json()["forms"]}
    assert served["colours"]["filename"] == "colours.yaml"
    assert "select_one" in served["colours"]["source"]  # the YAML kiosks load
    # A new version replaces the file; the same version with other content is refused.
    assert _upload(admin, service, "colours.xlsx", _xlsform(tmp_path, version="2")
                   ).status_code == 200
    assert [e["version"] for e in _catalogue(service).json()["forms"]
            if e["form_id"] == "colours"] == ["2"]
    survey = [*SURVEY, ["text", "more", "Anything else?"]]
    again = _upload(admin, service, "colours.xlsx", _xlsform(tmp_path, survey, version="2"))
    assert again.status_code == 400 and "give this file a new version" in again.text
    with serving(service.server.store.alias):
        actions = [(a.action, a.target) for a in StaffAudit.objects.order_by("id")]
    assert actions.count(("form uploaded", "colours")) == 2
    assert ("form upload refused", "colours") in actions


def _zip_bomb(tmp_path: Path) -> bytes:
    """A real XLSForm whose survey sheet is padded to 200 MB of one letter: 200 KB zipped."""
    source = io.BytesIO(_xlsform(tmp_path))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as book, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for part in book.infolist():
            data = book.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="99"><c r="A99" t="inlineStr">'
                                    b"<is><t>" + b"a" * 200_000_000 + b"</t></is></c></row>"
                                    b"</sheetData>")
            bomb.writestr(part, data, compresslevel=9)
    return out.getvalue()


@pytest.mark.parametrize("name, make, message", [
    ("bomb.yaml", lambda tmp: alias_bomb().encode(), "once its aliases (*name) are expanded"),
    ("deep.yaml", lambda tmp: deep_form().encode(), "nested more than 40 levels deep"),
    ("bomb.xlsx", _zip_bomb, "is it a zip bomb?"),
    ("form.xlsx", lambda tmp: b"PK\x03\x04 not really a zip", "cannot be read as an XLSForm"),
    ("notes.txt", lambda tmp: b"hello", "this is not a form file"),
])
def test_a_hostile_upload_is_refused_with_a_message(service, admin, tmp_path, name, make,
                                                    message):
    before = _forms_folder(service)
    page = _upload(admin, service, name, make(tmp_path))
    assert page.status_code == 400
    assert message in page.text.replace("&#x27;", "'")
    assert _forms_folder(service) == before
    assert _catalogue(service).status_code == 200  # the service still serves its forms


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(service, admin):
    page = _upload(admin, service, "huge.yaml", b"#" * 5_000_000)
    assert page.status_code == 413
    assert "a form file may be at most 4 MB" in page.text


def test_only_an_administrator_uploads_and_only_with_the_pages_token(console, service, tmp_path):
    caseworker = console.signed_in("test-caseworker", "caseworker")
    assert caseworker.get(service.url + "/console/forms").status_code == 200
    assert "form_file" not in caseworker.get(service.url + "/console/forms").text
    refused = caseworker.post(service.url + UPLOAD, files={"form_file": ("c.xlsx", b"x")})
    assert refused.status_code == 403
    admin = console.signed_in("test-administrator", "administrator")
    admin.get(service.url + "/console/forms")
    forged = admin.post(service.url + UPLOAD,
                        files={"form_file": ("colours.xlsx", _xlsform(tmp_path))})
    assert forged.status_code == 403  # no CSRF token: another site's page cannot upload
    assert "colours.yaml" not in _forms_folder(service)


def test_information_services_are_served_and_a_kiosk_takes_them_with_their_pictures(
        service, tmp_path):
    forms = service.data_dir / "forms"
    shutil.copy(FORMS / "health_services.yaml", forms)
    shutil.copytree(FORMS / "images", forms / "images")
    listing = _catalogue(service).json()["forms"]
    [entry] = [e for e in listing if e["form_id"] == "health_services"]
    assert entry["kind"] == "information"
    assert set(entry["images"]) == {"images/clinic_map.png"}
    assert not [line for line in service.log if "form_id is missing" in line]
    config = kiosk_config(tmp_path, service)
    transport = RestTransport(config.destinations["central"], config.site_id)
    try:
        with config.open_store() as store:
            assert pull_forms(transport, store, config) is True
            assert store.settings.get("forms_pull")["problems"] == []
    finally:
        transport.close()
    (tmp_path / "local-forms").mkdir()
    catalogue = load_catalogue(tmp_path / "local-forms", config.central_forms_dir)
    information = catalogue.information["health_services"]
    assert information.images["images/clinic_map.png"].read_bytes() == \
        (FORMS / "images" / "clinic_map.png").read_bytes()
    assert "feedback_services" in catalogue.forms
