"""Django settings for the central service.

What differs per site comes from the environment (a systemd unit or a compose file sets it):
KIOSK_CENTRAL_DATA, the data folder (keys, forms/); KIOSK_CENTRAL_DATABASE_URL (or the data
folder's central.toml), the database; KIOSK_CENTRAL_ALLOWED_HOSTS, the names it answers to.
The database a request uses is chosen per service (databases.py), so one process can host
the services of several data folders: the tests do, a site runs one.
"""

from __future__ import annotations

import os
from pathlib import Path

from .addresses import trusted_proxies
from .secret import secret_key

DATA_DIR = Path(os.environ["KIOSK_CENTRAL_DATA"]) if os.environ.get("KIOSK_CENTRAL_DATA") \
    else None

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = False
ALLOWED_HOSTS = [host.strip() for host in
                 os.environ.get("KIOSK_CENTRAL_ALLOWED_HOSTS", "*").split(",") if host.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "sync.central.web",
]

MIDDLEWARE = [
    "sync.central.web.middleware.bound_service",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sync.central.web.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
WSGI_APPLICATION = "sync.central.web.wsgi.application"

# The placeholder: every query goes to the service's own database (databases.py's router).
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DATABASE_ROUTERS = ["sync.central.web.databases.ServiceRouter"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"  # in the database: any worker reads it
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Behind the documented TLS proxy the cookies are sent over https only.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("KIOSK_CENTRAL_HTTPS") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"  # a status page's URL holds a reference
LOGIN_URL = "/console/sign-in"
# The reverse proxies whose X-Forwarded-For is believed (addresses.py), e.g. 127.0.0.1 for an
# nginx on the same machine, or "unix" for one on a Unix socket. None by default: a server
# reached directly believes no client's header.
TRUSTED_PROXIES = trusted_proxies(os.environ.get("KIOSK_CENTRAL_TRUSTED_PROXIES", ""))
# The citizen's status page: lookups per address per window, counted in the database.
STATUS_LOOKUPS = int(os.environ.get("KIOSK_CENTRAL_STATUS_LOOKUPS", "30"))
STATUS_WINDOW_SECONDS = 600

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربية")]
LOCALE_PATHS = [Path(__file__).with_name("locale")]
USE_I18N = True
USE_TZ = True
# Dates shown to people (the status page's "last changed on"): the council's own time zone.
TIME_ZONE = os.environ.get("KIOSK_CENTRAL_TIME_ZONE", "UTC")

# The REST contract's own limit (5 MB) is checked before a body is read (middleware.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STATIC_URL = "/static/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # "null": a logger with no handler at all would fall back to logging's last resort, stderr.
    "handlers": {"stderr": {"class": "logging.StreamHandler"},
                 "null": {"class": "logging.NullHandler"}},
    # Django's own request logger would print tracebacks with request data: the REST views log
    # one line per error themselves, without bodies.
    "loggers": {"django.request": {"handlers": ["null"], "propagate": False},
                "django.server": {"handlers": ["null"], "propagate": False}},
}
