"""What the operations pages (exports, forms, fleet, kiosks) share."""

from __future__ import annotations

from django.http import HttpRequest

from ..service import Service


def service_of(request: HttpRequest) -> Service:
    service: Service = request.central  # the middleware's
    return service
