from django.urls import re_path

from . import rest

urlpatterns = [
    re_path(r"", rest.contract),  # the REST contract answers everything else, 404 included
]
