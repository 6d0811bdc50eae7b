from django.urls import path, re_path

from . import rest, status_page

urlpatterns = [
    path("status", status_page.status, name="status"),  # the citizen's, behind the receipt's QR
    re_path(r"", rest.contract),  # the REST contract answers everything else, 404 included
]
