from django.urls import include, path, re_path
from django.views.generic import RedirectView

from . import rest, status_page

urlpatterns = [
    path("status", status_page.status, name="status"),  # the citizen's, behind the receipt's QR
    path("console", RedirectView.as_view(url="/console/inbox")),
    path("console/", include("sync.central.web.console.urls")),  # the staff console
    re_path(r"", rest.contract),  # the REST contract answers everything else, 404 included
]
