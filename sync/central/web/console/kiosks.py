"""Adding a kiosk (its token and config block shown once: only the token's hash is kept) and
revoking one (after a confirmation step); administrators only, each audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ...errors import CentralError
from ...setup import check_device_id, toml_block
from ..models import Device
from .access import ADMINISTRATOR, audit, staff_required
from .common import service_of


@staff_required(ADMINISTRATOR)
def kiosks_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required(ADMINISTRATOR)
def add_kiosk(request: HttpRequest) -> HttpResponse:
    store = service_of(request).store
    device_id = str(request.POST.get("device_id", "")).strip()
    try:
        check_device_id(device_id)
        token = store.add_device(device_id)
    except CentralError as error:
        return _page(request, error=str(error), status=400, typed=device_id)
    block = toml_block(store.setting("url") or "", device_id, token, store.keyring.current,
                       store.receipts.public)
    audit(request, "kiosk added", device_id)
    # Never cached (staff_required makes every console page private): the token is shown
    # this once, and only its hash is kept.
    return render(request, "console/ops/kiosk_added.html", {
        "section": "kiosks", "device_id": device_id, "token": token, "config_block": block})


@staff_required(ADMINISTRATOR)
def revoke_kiosk(request: HttpRequest, device_id: str) -> HttpResponse:
    store = service_of(request).store
    device = store._objects(Device).filter(id=device_id).first()
    if device is None:
        raise Http404("no such kiosk")
    if request.method != "POST":
        return render(request, "console/ops/kiosk_revoke.html", {
            "section": "kiosks", "device_id": device_id,
            "revoked": device.revoked_at is not None})
    store.revoke_device(device_id)
    audit(request, "kiosk revoked", device_id)
    messages.success(request, f"{device_id} is revoked: its token no longer works. Its "
                              "submissions are kept.")
    return redirect("/console/kiosks")


def _page(request: HttpRequest, error: str = "", status: int = 200,
          typed: str = "") -> HttpResponse:
    devices = service_of(request).store.devices()
    return render(request, "console/ops/kiosks.html", {
        "section": "kiosks", "devices": devices, "error": error, "typed": typed},
        status=status)
