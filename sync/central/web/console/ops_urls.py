"""The console's operations pages (included by urls.py): exports, forms, the fleet, kiosk
versions offered to it, kiosks."""

from __future__ import annotations

from django.urls import path

from . import exports, fleet, forms, kiosks, updates

FORM = "<str:form_id>"
urlpatterns = [
    path("exports", exports.exports, name="exports"),
    path(f"exports/{FORM}/submissions.csv", exports.submissions_csv, name="export-csv"),
    path(f"exports/{FORM}/submissions.jsonl", exports.submissions_jsonl, name="export-jsonl"),
    path(f"exports/{FORM}/open-data.csv", exports.open_data_csv, name="export-open-data"),
    path("forms", forms.forms_page, name="forms"),
    path("forms/upload", forms.upload, name="forms-upload"),
    path("fleet", fleet.fleet_page, name="fleet"),
    path("updates", updates.updates_page, name="updates"),
    path("updates/offer", updates.offer, name="updates-offer"),
    path("updates/<str:version>/withdraw", updates.withdraw, name="updates-withdraw"),
    path("kiosks", kiosks.kiosks_page, name="kiosks"),
    path("kiosks/add", kiosks.add_kiosk, name="kiosks-add"),
    path("kiosks/<str:device_id>/revoke", kiosks.revoke_kiosk, name="kiosks-revoke"),
]
