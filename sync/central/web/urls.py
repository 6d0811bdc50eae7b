from django.urls import include, path, re_path

from . import rest

urlpatterns = [
    path("console/", include("sync.central.web.console.urls")),  # the staff console
    re_path(r"", rest.contract),  # the REST contract answers everything else, 404 included
]
