"""Forms: what the catalogue serves kiosks, the files it does not serve and why (by row),
and an administrator's upload, checked with the kiosk's own checker before it reaches forms/.

The upload's size is checked from Content-Length before its body is read (so the CSRF check,
which reads the body, comes after it); a file over the budget, or one written to hurt the
machine (an alias bomb, 50,000 levels of nesting, a zip bomb), is refused with a message.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from ...form_upload import MAX_UPLOAD_BYTES, PlacedProblem, Upload, install_upload
from ...store import FORMS_DIR
from ..service import Service
from .access import ADMINISTRATOR, VIEWER, audit, has_role, staff_required
from .common import service_of

FIELD = "form_file"  # the upload form's file input
_ENVELOPE = 64 * 1024  # the multipart wrapping around the file, generously


@staff_required(VIEWER)
def forms_page(request: HttpRequest) -> HttpResponse:
    return _page(request, service_of(request))


@csrf_exempt  # checked below, once the size is known to be fine (the check reads the body)
@staff_required(ADMINISTRATOR)
def upload(request: HttpRequest) -> HttpResponse:
    service = service_of(request)
    if request.method != "POST":
        return _page(request, service)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_UPLOAD_BYTES + _ENVELOPE:
        refused = Upload("", [PlacedProblem(
            f"the file is {length / 1e6:.1f} MB; a form file may be at most "
            f"{MAX_UPLOAD_BYTES / 1e6:.0f} MB")])
        audit(request, "form upload refused", "", f"{length} bytes: too large")
        return _page(request, service, refused, status=413)
    refusal = CsrfViewMiddleware(_unused).process_view(request, _unused, (), {})
    if refusal is not None:
        return refusal
    sent = request.FILES.get(FIELD)
    if sent is None:
        return _page(request, service, Upload("", [PlacedProblem(
            "choose a form file to upload (YAML or an XLSForm)")]), status=400)
    name = str(sent.name or "")
    data = sent.read(MAX_UPLOAD_BYTES + 1)
    result = install_upload(service.data_dir / FORMS_DIR, name, data,
                            service.catalogue.served())
    if result.accepted and result.written:
        audit(request, "form uploaded", result.service_id,
              f"{name} as forms/{result.written}, version {result.version}"
              + (f" (was {result.replaced})" if result.replaced else ""))
    elif result.accepted:
        audit(request, "form upload unchanged", result.service_id, name)
    else:
        audit(request, "form upload refused", result.service_id,
              f"{name}: {len(result.problems)} problems")
    return _page(request, service, result, status=200 if result.accepted else 400)


def _unused(request: HttpRequest) -> HttpResponse:
    """The view the CSRF check is asked about: one not exempt from it (upload is, to check
    the size first)."""
    return HttpResponse()


def _page(request: HttpRequest, service: Service, result: Upload | None = None,
          status: int = 200) -> HttpResponse:
    served = service.catalogue.served()
    unserved = service.catalogue.unserved()
    return render(request, "console/ops/forms.html", {
        "section": "forms", "served": served, "unserved": unserved, "result": result,
        "may_upload": has_role(request.user, ADMINISTRATOR), "field": FIELD,
        "max_mb": MAX_UPLOAD_BYTES // 1_000_000}, status=status)
