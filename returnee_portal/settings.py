"""Settings of the Returnee Portal, read from environment variables in this one place.

With no environment at all the portal runs for development: SQLite file, DEBUG on, Redis on
localhost for Celery and the cache, e-mail printed to the console. The README lists every
variable. With DEBUG off (production) a real SECRET_KEY is required.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=LOOPBACK_HOSTS if DEBUG else [])
if DEBUG and set(ALLOWED_HOSTS) - set(LOOPBACK_HOSTS):
    raise ImproperlyConfigured(
        "DEBUG is on (the default) but ALLOWED_HOSTS names public hosts: set DEBUG=false and a "
        "SECRET_KEY to serve the portal beyond this machine."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django admin, with the portal's site (core.admin_site): two-step sign-in when required.
    "core.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "csp",
    "django_countries",
    "import_export",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "search",
    "talent",
    "startups",
    "events",
    "policies",
    "matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages and JSON compressed for clients that accept it (with Django's BREACH mitigation:
    # random bytes in each gzip header; CSRF tokens are masked per response). Static files
    # come pre-compressed from WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "core.middleware.FormEncodingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this sign-in passed the second step (core.two_factor).
    "django_otp.middleware.OTPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "returnee_portal.urls"
WSGI_APPLICATION = "returnee_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL is set (PostgreSQL in production and tests).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # Django drops a broken connection at the end of the request that met it; a health check
    # before every request (a `SELECT 1` each time) is only for networks that cut idle ones.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://localhost:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default="redis://localhost:6379/1"),
        "KEY_PREFIX": "rp",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords of at least 12 characters (ASVS 2.1.1), not one of the 20,000 most common.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Internationalisation: Simplified Chinese and English; stored in UTC, shown in Asia/Shanghai.
LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "media/"
# Request bodies: forms and JSON up to 2 MB, uploads (the admin's policy import) up to 10 MB;
# a larger request is refused with a 413 before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)

# E-mail: printed to the console unless EMAIL_URL names an SMTP server.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Returnee Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production (DEBUG off) is meant to run behind HTTPS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A sign-in lasts at most SESSION_HOURS (ASVS level 2 asks for re-authentication within 12).
SESSION_COOKIE_AGE = env.int("SESSION_HOURS", default=12) * 60 * 60
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, fonts and images come only from the portal itself: no inline script, style
# or event handler anywhere (templates keep them in static/), no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features the portal does not use are off; the camera only for the check-in scanner.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(self), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Rate limits: every throttle and the sign-in lockout; RATE_LIMITS_ENABLED=false turns all off.
# NUM_PROXIES: how many trusted proxies stand in front (their X-Forwarded-For is believed).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
# Sign-ups count per IP address, sign-ins per IP address and per account tried (from any
# address); registrations and consultation requests per user and, at the `_ip` rates, per IP.
THROTTLE_RATES = {
    "anon": env("THROTTLE_ANON", default="120/min"),
    "user": env("THROTTLE_USER", default="600/min"),
    "signup": env("THROTTLE_SIGNUP", default="10/hour"),
    "signin": env("THROTTLE_SIGNIN", default="20/min"),
    "signin_account": env("THROTTLE_SIGNIN_ACCOUNT", default="30/hour"),
    "consultation": env("THROTTLE_CONSULTATION", default="20/hour"),
    "consultation_ip": env("THROTTLE_CONSULTATION_IP", default="60/hour"),
    "registration": env("THROTTLE_REGISTRATION", default="30/min"),
    "registration_ip": env("THROTTLE_REGISTRATION_IP", default="120/min"),
    "export": env("THROTTLE_EXPORT", default="10/hour"),
    "export_ip": env("THROTTLE_EXPORT_IP", default="30/hour"),
    # Links to choose a new password: per IP address, and per address asked for from anywhere.
    "password_reset": env("THROTTLE_PASSWORD_RESET", default="30/hour"),
    "password_reset_account": env("THROTTLE_PASSWORD_RESET_ACCOUNT", default="5/hour"),
    "password_change": env("THROTTLE_PASSWORD_CHANGE", default="10/hour"),
    "password_change_ip": env("THROTTLE_PASSWORD_CHANGE_IP", default="30/hour"),
    "verify_email": env("THROTTLE_VERIFY_EMAIL", default="5/hour"),
    "verify_email_ip": env("THROTTLE_VERIFY_EMAIL_IP", default="20/hour"),
    # Co-founder invitations (each sends an e-mail): per founder, and per IP address.
    "founder_invitation": env("THROTTLE_FOUNDER_INVITATION", default="20/hour"),
    "founder_invitation_ip": env("THROTTLE_FOUNDER_INVITATION_IP", default="60/hour"),
}
# A link to choose a new password works once, for this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
# A link that confirms a new account's e-mail address works for this many days.
EMAIL_VERIFICATION_DAYS = env.int("EMAIL_VERIFICATION_DAYS", default=7)
# A co-founder invitation's link works for this many days (and once).
FOUNDER_INVITATION_DAYS = env.int("FOUNDER_INVITATION_DAYS", default=14)
# Two-step sign-in (core.two_factor): a code from an authenticator app after the password.
# With ADMIN_2FA_REQUIRED=true Django admin opens only to a sign-in that passed the second step.
ADMIN_2FA_REQUIRED = env.bool("ADMIN_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Returnee Portal"
# Django admin does not show the secret keys of authenticator apps.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_ENABLED = RATE_LIMITS_ENABLED
AXES_FAILURE_LIMIT = env.int("SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGNIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.views.signin_locked_out"
AXES_USERNAME_CALLABLE = "core.auth.axes_username"
AXES_CLIENT_IP_CALLABLE = "core.net.axes_client_ip"
AXES_VERBOSE = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "SEARCH_PARAM": "q",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}
API_MAX_PAGE_SIZE = 100
# Seconds a public list's answer for visitors who are not signed in is kept in the shared
# cache (core.listcache); any write to the tables it shows makes a new one at once. 0: off.
LIST_CACHE_SECONDS = env.int("LIST_CACHE_SECONDS", default=30)
# An API token works for this many days; then POST /api/v1/auth/token/ gives a new one.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)

SPECTACULAR_SETTINGS = {
    "TITLE": "Returnee Portal API",
    "DESCRIPTION": (
        "Policies, events, startups, advisors and explained matches for returnees in Shanghai. "
        "Authenticate with `Authorization: Token <key>` (from `POST /api/v1/auth/token/`) "
        "or a browser session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "UserLanguageEnum": "core.choices.Language",
        "NotificationKindEnum": "core.choices.NotificationKind",
        "EventKindEnum": "events.choices.EventKind",
        "EventStatusEnum": "events.choices.EventStatus",
        "EventLanguageEnum": "events.choices.EventLanguage",
        "RegistrationStatusEnum": "events.choices.RegistrationStatus",
        "ConsultationStatusEnum": "talent.choices.ConsultationStatus",
        "SpokenLanguageEnum": "talent.choices.SpokenLanguage",
        "PolicyStatusEnum": "policies.choices.PolicyStatus",
        "CriterionKindEnum": "policies.choices.CriterionKind",
        "EligibilityStatusEnum": "policies.choices.EligibilityStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
}

# Celery: Redis broker, JSON only, late acknowledgement, time limits; schedules in the database.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queuing a task from a request tries once and gives up fast (core/broker.py): no reconnect
# loop (max_retries 0), a short connection timeout, and then a pause before the next try.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env.float("BROKER_CONNECT_TIMEOUT", default=1.0),
    "socket_timeout": 5,
    "max_retries": 0,
}
BROKER_PUBLISH_PAUSE = env.float("BROKER_PUBLISH_PAUSE", default=10.0)
CACHE_FAILURE_PAUSE = env.float("CACHE_FAILURE_PAUSE", default=10.0)
# Registrations and events change through the services only: no "revert to this version".
SIMPLE_HISTORY_REVERT_DISABLED = True
# Instant notifications are queued by a thread of each process, in one message for those
# written within this many seconds.
BROKER_BATCH_SECONDS = env.float("BROKER_BATCH_SECONDS", default=0.2)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Events: reminders go out this many minutes before an event starts (largest first).
EVENT_REMINDER_OFFSETS = sorted(
    env.list("EVENT_REMINDER_OFFSETS", cast=int, default=[1440, 120]), reverse=True
)

# Notifications: how many rows one delivery run takes.
NOTIFICATION_BATCH_SIZE = env.int("NOTIFICATION_BATCH_SIZE", default=100)
# The unsubscribe link in an e-mail works for this many days after it was sent.
UNSUBSCRIBE_LINK_DAYS = env.int("UNSUBSCRIBE_LINK_DAYS", default=90)

# Matching: how many matches of each kind a returnee, opening or startup keeps; the score
# from which a new match is worth telling its person about; how many one message lists;
# how many matches one run of the notifier task tells of at most.
MATCH_TOP_K = {
    "returnee_opening": env.int("MATCH_TOP_K", default=10),
    "opening_returnee": env.int("MATCH_CANDIDATES_PER_OPENING", default=20),
    "returnee_advisor": 3,
    "startup_advisor": 3,
    "returnee_policy": 5,
    "returnee_event": 5,
}
MATCH_NOTIFY_THRESHOLD = env.float("MATCH_NOTIFY_THRESHOLD", default=0.7)
MATCH_NOTIFY_LISTED = env.int("MATCH_NOTIFY_LISTED", default=10)
MATCH_NOTIFY_PER_RUN = env.int("MATCH_NOTIFY_PER_RUN", default=50_000)

# Privacy (PIPL): the version of the privacy notice that consents are given to (a template
# core/privacy/notice_<version>.html; add a new one and change this when the text changes),
# and how many days after an event its attendees' details are anonymised.
PRIVACY_NOTICE_VERSION = "1"
ATTENDEE_RETENTION_DAYS = env.int("ATTENDEE_RETENTION_DAYS", default=180)

# Logging: one console handler, whose filter blanks e-mail addresses, tokens, passwords and
# phone numbers in every line. Django's own loggers (and Celery's, see returnee_portal/celery.py)
# write through it too. The `security` logger records sign-ins, failures, lockouts and
# permission denials by user id and IP address.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "core.security.RedactFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "axes": {"level": "WARNING"},
        "security": {"level": "INFO"},
    },
}
