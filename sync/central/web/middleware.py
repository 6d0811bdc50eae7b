"""Every request is the current service's, and its queries go to that service's database."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import service
from .databases import serving


def bound_service(get_response: Callable[[HttpRequest], HttpResponse],
                  ) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        current = service.current()
        request.central = current
        with serving(current.store.alias):
            return get_response(request)
    return middleware
