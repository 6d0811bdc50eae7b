"""The citizen's status page (/status?ref=), as a phone that scanned a receipt's QR code sees it,
against the real service on loopback."""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser

import pytest
import requests
from django.test import override_settings

from kiosk.store.codes import ALPHABET, new_reference
from sync.central.server import CentralServer
from sync.central.web import models

from .central_kit import deliver

HEADINGS = {"en": "We need more information from you",
            "fr": "Nous avons besoin de plus d’informations",
            "es": "Necesitamos más información de usted",
            "ar": "نحتاج إلى معلومات إضافية منك"}
NOTE = "Please bring a proof of address <b>to the library</b>."
NAME, STREET = "Zebedee Quillfeather", "12 Imaginary Lane"  # made up


def _page(service, ref: str | None = None, lang: str | None = None, headers: dict | None = None,
          url: str | None = None) -> requests.Response:
    params = {**({"ref": ref} if ref is not None else {}), **({"lang": lang} if lang else {})}
    return requests.get((url or service.url) + "/status", params=params, headers=headers,
                        timeout=10)


class _Outline(HTMLParser):
    """What a test reads off a page: the html element's attributes, the headings, the text of
    each element with an id, and every element's attributes by id."""

    def __init__(self, text: str):
        super().__init__()
        self.html: dict[str, str | None] = {}
        self.tags: list[str] = []
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.html = attributes
        ident = attributes.get("id")
        if ident:
            self.by_id[ident] = attributes
            self.text[ident] = ""
        if tag not in ("input", "meta", "br", "link"):
            self._open.append(ident)

    def handle_endtag(self, tag):
        if tag not in ("input", "meta", "br", "link") and self._open:
            self._open.pop()

    def handle_data(self, data):
        for ident in self._open:
            if ident:
                self.text[ident] += data


def _settle(service, reference: str, state: str = "needs_information", note: str = NOTE) -> str:
    instance = deliver(service, reference, {"full_name": NAME, "street": STREET})
    return service.server.store.change_review_state(instance, state, "a caseworker", note)


def _typed(reference: str) -> str:
    """The reference as a person might type it: lower case, spaces for dashes."""
    return reference.lower().replace("-", " ")


def _mistyped(reference: str) -> str:
    """The same reference with another check character: one key wrong."""
    last = reference[-1]
    return reference[:-1] + ALPHABET[(ALPHABET.index(last) + 1) % len(ALPHABET)]


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ar"])
def test_a_known_reference_shows_its_state_date_and_note_in_each_language(service, lang):
    reference = new_reference("LIB01")
    changed_at = _settle(service, reference)
    answer = _page(service, _typed(reference), lang)
    assert answer.status_code == 200
    page = _Outline(answer.text)
    assert page.html == {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"}
    assert answer.headers["Content-Language"] == lang
    assert page.text["state-heading"] == HEADINGS[lang]
    assert page.by_id["state"]["data-state"] == "needs_information"
    assert reference in page.text["state-reference"]
    changed = datetime.fromisoformat(changed_at)
    assert str(changed.year) in page.text["state-changed"]
    assert str(changed.day) in page.text["state-changed"]
    # The note as staff wrote it, as text: never as markup.
    assert page.text["note-text"] == NOTE
    assert "<b>" not in answer.text
    assert page.by_id["note-text"]["dir"] == "auto"  # an English note on an Arabic page


def test_each_state_is_said_in_plain_words_with_what_happens_next(service):
    said = {}
    for state in ("received", "in_review", "needs_information", "approved", "rejected"):
        reference = new_reference("LIB01")
        if state == "received":
            deliver(service, reference, {"full_name": NAME})
        else:
            _settle(service, reference, state, note="")
        page = _Outline(_page(service, reference, "en").text)
        said[state] = (page.text["state-heading"], page.text["state-next"])
        assert page.by_id["state"]["data-state"] == state
        assert "note" not in page.by_id  # no note: no empty box
    assert len({heading for heading, _ in said.values()}) == 5
    assert said["received"][0] == "We have your application"
    assert said["rejected"][0] == "Your application has not been approved"


def test_the_language_comes_from_the_browser_and_the_links_switch_it(service):
    reference = new_reference("LIB01")
    _settle(service, reference)
    answer = _page(service, reference, headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})
    page = _Outline(answer.text)
    assert page.html["lang"] == "es" and page.text["state-heading"] == HEADINGS["es"]
    assert page.by_id["lang-es"]["aria-current"] == "true"
    arabic = page.by_id["lang-ar"]
    assert arabic["lang"] == "ar" and arabic["hreflang"] == "ar"
    switched = requests.get(service.url + arabic["href"].replace("&amp;", "&"), timeout=10)
    assert _Outline(switched.text).text["state-heading"] == HEADINGS["ar"]
    # ?lang= wins over the browser's wish; a language the page does not speak is English.
    assert _Outline(_page(service, reference, "fr", {"Accept-Language": "ar"}).text
                    ).html["lang"] == "fr"
    assert _Outline(_page(service, reference, headers={"Accept-Language": "de"}).text
                    ).html["lang"] == "en"


def test_a_mistyped_and_an_unknown_reference_get_the_same_page(service):
    known = new_reference("LIB01")
    _settle(service, known)
    mistyped, unknown = _mistyped(known), new_reference("LIB01")
    assert mistyped != known and unknown != known
    first, second = _page(service, mistyped, "en"), _page(service, unknown, "en")
    assert first.status_code == second.status_code == 404
    # Byte for byte the same page, once the input it echoes is taken out.
    assert first.content.replace(mistyped.encode(), b"#") == \
        second.content.replace(unknown.encode(), b"#")
    assert {k: v for k, v in first.headers.items() if k != "Date"} == \
        {k: v for k, v in second.headers.items() if k != "Date"}
    page = _Outline(first.text)
    assert page.text["error-summary-link"] == \
        "We cannot find an application with this reference number"
    assert "state" not in page.by_id


def test_mistakes_in_the_form_are_named_and_linked_to_the_field(service):
    for typed, code, message in [
            ("", 400, "Enter your reference number"),
            ("hello", 400, "Enter the reference number as it is printed on your receipt")]:
        answer = _page(service, typed, "en")
        assert answer.status_code == code
        page = _Outline(answer.text)
        assert page.by_id["error-summary-link"]["href"] == "#ref"
        assert page.text["error-summary-link"].startswith(message)
        assert page.text["ref-error"].endswith(page.text["error-summary-link"])
        field = page.by_id["ref"]
        assert field["aria-invalid"] == "true"
        assert field["aria-describedby"] == "ref-hint ref-error"
        assert field["value"] == typed
        assert page.by_id["error-summary"]["tabindex"] == "-1"
        assert "autofocus" in page.by_id["error-summary"]  # focus goes there, with no script
        assert re.search(r"<title>Error: ", answer.text)


def test_the_form_alone_has_one_heading_a_labelled_field_and_no_script(service):
    answer = _page(service)
    assert answer.status_code == 200
    page = _Outline(answer.text)
    assert page.tags.count("h1") == 1
    assert page.by_id["status-form"]["method"] == "get"
    assert page.by_id["status-form"]["action"] == "/status"
    assert re.search(r'<label class="label" for="ref">Reference number</label>', answer.text)
    assert page.by_id["ref"]["name"] == "ref" and page.by_id["check"]["type"] == "submit"
    assert "script" not in page.tags
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_no_answers_names_or_form_ever_appear_on_the_page(service):
    reference = new_reference("LIB01")
    instance = deliver(service, reference, {"full_name": NAME, "street": STREET})
    pages = [_page(service, reference, lang).text for lang in ("en", "fr", "es", "ar")]
    service.server.store.change_review_state(instance, "approved", "a caseworker", "")
    pages.append(_page(service, reference, "en").text)
    receipt_id = service.server.store._objects(models.Submission).get(
        instance_id=instance).receipt_id
    for html in pages:
        for secret in (NAME, "Zebedee", "Quillfeather", STREET, "Imaginary", instance,
                       receipt_id, "feedback", "kiosk-01", "a caseworker"):
            assert secret not in html


def test_the_page_sets_no_cookie_is_never_stored_and_its_query_is_never_logged(service):
    reference = new_reference("LIB01")
    _settle(service, reference)
    answers = [_page(service), _page(service, reference), _page(service, _mistyped(reference)),
               _page(service, "")]
    for answer in answers:
        assert "Set-Cookie" not in answer.headers
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert answer.headers["X-Robots-Tag"] == "noindex"
    logged = "\n".join(service.log)
    assert "GET /status 200" in logged and "GET /status 404" in logged
    assert reference not in logged and _typed(reference) not in logged and "ref=" not in logged
    assert requests.post(service.url + "/status", data={"ref": reference},
                         timeout=10).status_code == 405


def test_lookups_are_limited_per_address_across_servers_over_one_database(service):
    reference = new_reference("LIB01")
    _settle(service, reference)
    second = CentralServer(service.data_dir, log=service.log.append).start()
    try:
        with override_settings(STATUS_LOOKUPS=6):
            for place in range(6):  # shared between the two servers, as workers share it
                url = service.url if place % 2 else second.url
                assert _page(service, reference, "en", url=url).status_code == 200
            refused = _page(service, reference, "en", url=second.url)
            assert refused.status_code == 429
            assert _page(service, _mistyped(reference), url=service.url).status_code == 429
            assert int(refused.headers["Retry-After"]) in range(540, 601)
            page = _Outline(refused.text)
            assert page.text["too-many-text"] == \
                "You have checked too many times. Try again in 10 minutes."
            assert "state" not in page.by_id and page.tags.count("h1") == 1
            assert "Set-Cookie" not in refused.headers
            arabic = _Outline(_page(service, reference, "ar").text)
            assert "10" in arabic.text["too-many-text"] and arabic.html["dir"] == "rtl"
            # The form alone is no lookup: it is still there for the citizen.
            assert _page(service).status_code == 200
    finally:
        second.stop()
    assert second.undeclared_statuses == []


def test_the_address_behind_the_proxy_is_the_one_counted_and_only_from_the_proxy(service):
    reference = new_reference("LIB01")
    _settle(service, reference)
    with override_settings(STATUS_LOOKUPS=2):
        # Not from a trusted proxy: a forwarded address is the client's own say, ignored.
        for hop in ("198.51.100.1", "198.51.100.2"):
            assert _page(service, reference, headers={"X-Forwarded-For": hop}).status_code == 200
        assert _page(service, reference,
                     headers={"X-Forwarded-For": "198.51.100.3"}).status_code == 429
        warnings = [line for line in service.log if "KIOSK_CENTRAL_TRUSTED_PROXIES" in line]
        assert len(warnings) == 1 and "from 127.0.0.1 is not believed" in warnings[0]
        with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
            # Through the proxy: its last hop is the client; what a client put before it is not.
            for _ in range(2):
                assert _page(service, reference, headers={
                    "X-Forwarded-For": "203.0.113.9, 198.51.100.7"}).status_code == 200
            assert _page(service, reference, headers={
                "X-Forwarded-For": "203.0.113.10, 198.51.100.7"}).status_code == 429
            assert _page(service, reference, headers={
                "X-Forwarded-For": "198.51.100.8"}).status_code == 200
