"""Kiosk versions offered to the fleet, from the console: the offers, an administrator's
upload of a signed package (the .deb and its .sig, checked as `kiosk central offer-update`
checks them: the same code) and withdrawing one; each audited. The central holds no release
key: the signature is made off this machine, and each kiosk checks it against its own pin."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kiosk.updates.signing import Signature, UpdateRejected

from ...errors import CentralError
from ...fleet import clock_words
from ...updates import offer_signed, offers, withdraw_update
from ..models import UpdateOffer
from .access import ADMINISTRATOR, audit, staff_required
from .common import service_of

MAX_SIGNATURE_BYTES = 64 * 1024  # a signature document is a few hundred bytes


@staff_required(ADMINISTRATOR)
def updates_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required(ADMINISTRATOR)
def offer(request: HttpRequest) -> HttpResponse:
    store = service_of(request).store
    package, signed = request.FILES.get("package"), request.FILES.get("signature")
    typed = str(request.POST.get("devices", "")).strip()
    if package is None or signed is None:
        return _page(request, "Choose the package (.deb) and its signature (.deb.sig).", typed)
    try:
        text = signed.read(MAX_SIGNATURE_BYTES + 1)
        if len(text) > MAX_SIGNATURE_BYTES:
            raise UpdateRejected("the signature file is far larger than a signature")
        signature = Signature.from_json(json.loads(text.decode("utf-8")))
    except (UnicodeDecodeError, ValueError) as error:
        reason = error if isinstance(error, UpdateRejected) else "it is not JSON"
        return _page(request, f"The signature cannot be used: {reason}.", typed)
    devices = typed.split(",") if typed else None
    try:
        made = offer_signed(store, package, str(package.name or "the package"), signature,
                            devices, by=request.user.get_username())
    except CentralError as error:
        audit(request, "update offer refused", signature.version, str(error)[:300])
        return _page(request, str(error), typed)
    who = ", ".join(made.devices) if made.devices is not None else "every kiosk"
    audit(request, "update offered", made.version,
          f"{made.size} bytes, sha256 {made.sha256}, to {who}")
    messages.success(request, f"Version {made.version} is offered to "
                              f"{'the pilot kiosks ' + who if made.devices else who} running "
                              "an older version, at their next heartbeat.")
    return redirect("/console/updates")


@require_POST
@staff_required(ADMINISTRATOR)
def withdraw(request: HttpRequest, version: str) -> HttpResponse:
    store = service_of(request).store
    if not store._objects(UpdateOffer).filter(version=version).exists():
        raise Http404("no such offer")
    withdraw_update(store, version)
    audit(request, "update withdrawn", version)
    messages.success(request, f"Version {version} is withdrawn: kiosks are no longer offered "
                              "it, nor can they download it. Its file stays until the offer is "
                              f"deleted (kiosk central delete-update {version}).")
    return redirect("/console/updates")


def _page(request: HttpRequest, error: str = "", typed: str = "") -> HttpResponse:
    found = offers(service_of(request).store)
    shown = [{"offer": each, "offered": clock_words(each.offered_at),
              "withdrawn": clock_words(each.withdrawn_at)} for each in found]
    return render(request, "console/ops/updates.html", {
        "section": "fleet", "offers": shown, "error": error, "typed": typed},
        status=400 if error else 200)
