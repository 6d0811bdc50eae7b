"""The console's pages, under /console/ (sync/central/web/urls.py mounts them)."""

from __future__ import annotations

from django.urls import include, path
from django.views.generic import RedirectView

from . import audit, auth, inbox, password, staff, submission

app_name = "console"
urlpatterns = [
    path("", RedirectView.as_view(url="/console/inbox"), name="home"),
    path("sign-in", auth.sign_in, name="sign_in"),
    path("sign-out", auth.sign_out, name="sign_out"),
    path("password", password.change_password, name="password"),
    path("inbox", inbox.inbox, name="inbox"),
    # An instance id is any text a kiosk chose (a "/" too): the rest of the path is it.
    path("submissions/<path:instance_id>", submission.submission, name="submission"),
    path("review/<path:instance_id>", submission.change, name="change_state"),
    path("audit", audit.audit_log, name="audit"),
    path("staff", staff.staff_list, name="staff"),
    path("staff/add", staff.staff_add, name="staff_add"),
    path("staff/<str:username>/role", staff.staff_role, name="staff_role"),
    path("staff/<str:username>/password", staff.staff_password, name="staff_password"),
    path("staff/<str:username>/remove", staff.staff_remove, name="staff_remove"),
    path("", include("sync.central.web.console.ops_urls")),  # exports, forms, fleet, kiosks
]
