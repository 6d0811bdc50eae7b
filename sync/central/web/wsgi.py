"""The WSGI application gunicorn serves (`sync.central.web.wsgi:application`): the data folder
is KIOSK_CENTRAL_DATA's, the database the one its URL names."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sync.central.web.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after the settings' name)

application = get_wsgi_application()
