"""The citizen's status page, behind every receipt's QR code: /status?ref=REFERENCE.

For a whole reference (check character included; case, spaces and dashes forgiven, as the
kiosk forgives them) it shows the review state in plain words, what happens next, the date of
the last change and staff's note to the citizen: nothing else, not even which service it was
(anyone holding the receipt, or a photo of it, can open the page; the citizen knows what they
applied for). A mistyped reference and one never given get the same page, status and work
(both are looked up), so references cannot be found by trying. Lookups are counted per address
in the database (every worker counts the same), and the page sets no cookie and is never
stored: its address holds the reference. In the kiosk's four languages, chosen by ?lang= or the
browser's Accept-Language; it needs no JavaScript.
"""

from __future__ import annotations

import base64
import hashlib
import math
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from kiosk.store.codes import is_valid, reference_parts

from ..rate_windows import Limit, admit
from ..records import utc_now
from .addresses import client_address, ignored_proxy, rate_key
from .service import Service

LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية"}
RIGHT_TO_LEFT = {"ar"}
EXAMPLE = "LIB01-K7QFM-2XD9H"
MAX_TYPED = 60  # a reference is 17 characters; more is not one, and is not echoed whole

# Each state: what it means, and what happens next (the kiosk's progress service, in
# assets/i18n/*.yaml, says the same in its own words).
STATES = {
    "received": (gettext_lazy("We have your application"),
                 gettext_lazy("Nobody has looked at it yet. We will look at it soon. You do not "
                              "need to do anything.")),
    "in_review": (gettext_lazy("We are looking at your application"),
                  gettext_lazy("You do not need to do anything. We will tell you here if we "
                               "need more information.")),
    "needs_information": (gettext_lazy("We need more information from you"),
                          gettext_lazy("Read the message from the council and do what it asks. "
                                       "We cannot go on with your application until then.")),
    "approved": (gettext_lazy("Your application has been approved"),
                 gettext_lazy("Read the message from the council, if there is one, to find out "
                              "what happens next.")),
    "rejected": (gettext_lazy("Your application has not been approved"),
                 gettext_lazy("Read the message from the council to find out why and what you "
                              "can do next. You can contact the council and give your "
                              "reference number.")),
}

_CSS = (Path(__file__).with_name("templates") / "status" / "status.css").read_text("utf-8")
# Only this style sheet may style the page, and nothing may run on it.
_CSS_HASH = base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()
_POLICY = (f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; form-action 'self'; "
           "base-uri 'none'; frame-ancestors 'none'")


def _language(request: HttpRequest) -> str:
    asked: str = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    chosen = translation.get_language_from_request(request)
    return chosen if chosen in LANGUAGES else "en"


@csrf_exempt  # it changes nothing: GET and HEAD only, any other method is 405
@require_safe
def status(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    service: Service = request.central  # the middleware's
    language = _language(request)
    with translation.override(language):
        code, context = _answer(request, service)
        response = HttpResponse(render_to_string("status/page.html", {
            **context, **_frame(context.get("link_ref", context.get("typed", "")),
                                language)}), status=code)
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Security-Policy"] = _POLICY
    response["X-Robots-Tag"] = "noindex"
    if "wait_minutes" in context:
        response["Retry-After"] = str(context["wait_seconds"])
    # One line a request, as the REST views log: never the query string (it holds a reference).
    service.log(f"{utc_now()} {request.META.get('REMOTE_ADDR', '-')} {request.method} /status "
                f"{code} {(time.perf_counter() - started) * 1000:.1f}ms")
    return response


def _answer(request: HttpRequest, service: Service) -> tuple[int, dict[str, Any]]:
    """The status code and what the page shows."""
    if "ref" not in request.GET:
        return 200, {}
    typed = request.GET["ref"].strip()
    echoed = typed[:MAX_TYPED]
    if not typed:
        return 400, {"typed": "", "error": _("Enter your reference number")}
    _warn_of_an_ignored_proxy(request, service)
    wait = admit(service.store, "status:" + rate_key(client_address(request)),
                 Limit(settings.STATUS_LOOKUPS, settings.STATUS_WINDOW_SECONDS))
    if wait:
        minutes = math.ceil(wait / 60)
        return 429, {"typed": echoed, "wait_seconds": wait, "wait_minutes": minutes,
                     "wait_text": ngettext(
                         "You have checked too many times. Try again in %(count)d minute.",
                         "You have checked too many times. Try again in %(count)d minutes.",
                         minutes) % {"count": minutes}}
    parts = reference_parts(typed) if len(typed) <= MAX_TYPED else None
    if parts is None:
        return 400, {"typed": echoed, "error": _(
            "Enter the reference number as it is printed on your receipt, like %(example)s")
            % {"example": f"\u2068{EXAMPLE}\u2069"}}  # isolated: Latin inside Arabic
    site, chars = parts
    printed = f"{site}-{chars[:5]}-{chars[5:]}"
    # Looked up whether or not its check character is right: the same work, the same page.
    found = service.store.progress([printed])
    if not found or not is_valid(chars):
        return 404, {"typed": echoed, "error": _(
            "We cannot find an application with this reference number"), "advice": _(
            "Check it against your receipt: every letter and number must be the same. An "
            "application sent today may not have reached the council yet: check again "
            "tomorrow.")}
    state = found[0]
    heading, next_step = STATES[state["state"]]
    changed = timezone.localtime(datetime.fromisoformat(state["changed_at"]))
    return 200, {"typed": "", "link_ref": printed, "result": {
        "reference": printed, "state": state["state"], "heading": heading,
        "next": next_step, "changed_iso": changed.isoformat(timespec="minutes"),
        "changed": dateformat.format(changed, "j F Y"), "note": state["note"]}}


_warned: set[tuple[str, str]] = set()  # (data folder, peer)


def _warn_of_an_ignored_proxy(request: HttpRequest, service: Service) -> None:
    """Once per process, service and peer: a proxy the settings do not trust makes every citizen one
    address, and the whole town shares one limit. IT reads this in the service's log."""
    peer = ignored_proxy(request)
    if peer is not None and (str(service.data_dir), peer) not in _warned:
        _warned.add((str(service.data_dir), peer))
        service.log(f"{utc_now()} X-Forwarded-For from {peer} is not believed: if that is your "
                    "reverse proxy, name it in KIOSK_CENTRAL_TRUSTED_PROXIES, or every citizen "
                    "is counted as one address by the status page's limit.")


def _frame(typed: str, language: str) -> dict[str, Any]:
    """What every page has: its language and direction, and the links to the other languages
    (each keeps the reference, so the same answer is read in another language)."""
    links = []
    for code, name in LANGUAGES.items():
        query = {"lang": code, **({"ref": typed} if typed else {})}
        links.append({"code": code, "name": name, "current": code == language,
                      "href": "/status?" + urlencode(query),
                      "dir": "rtl" if code in RIGHT_TO_LEFT else "ltr"})
    return {"lang": language, "dir": "rtl" if language in RIGHT_TO_LEFT else "ltr",
            "languages": links, "css": _CSS, "example": EXAMPLE}
