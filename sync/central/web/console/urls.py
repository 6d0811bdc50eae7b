"""The console's pages, under /console/ (sync/central/web/urls.py mounts them)."""

from __future__ import annotations

from django.urls import include, path
from django.views.generic import RedirectView

app_name = "console"
urlpatterns = [
    path("", RedirectView.as_view(url="/console/inbox"), name="home"),
    path("", include("sync.central.web.console.ops_urls")),  # exports, forms, fleet, kiosks
]
