"""Settings for the CSPR case manager.

Every difference between a laptop, CI and production is an environment variable read
here through one `environ.Env`. With nothing set, the app runs on embedded defaults:
SQLite, a filesystem Celery broker and mail written to files under var/.
`.env.example` lists every variable.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

# Off unless asked for: a debug page shows local variables, which here hold child data.
# `make run` turns it on for the local development server.
DEBUG = env.bool("DEBUG", default=False)

# Values printed in this repository (.env.example) that must never sign a live session.
PUBLISHED_SECRET_KEYS = {"change-me-to-a-long-random-string-of-50-or-more-characters"}


def _local_secret_key() -> str:
    """With no SECRET_KEY set, one random key kept in var/secret_key (mode 0600), so every
    process of one installation (web, worker, beat) and every restart share it."""
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


SECRET_KEY = env("SECRET_KEY", default="") or _local_secret_key()
if not DEBUG and SECRET_KEY in PUBLISHED_SECRET_KEYS:
    raise ImproperlyConfigured("SECRET_KEY is the example value from .env.example: set a secret of your own.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "cspr.views.csrf_failure"
# Absolute base of links in emails, which are sent outside any request.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
PARTNERSHIP_NAME = env("PARTNERSHIP_NAME", default="North Somerset Safeguarding Children Partnership")
SERVICE_NAME = "Child Safeguarding Practice Reviews"

INSTALLED_APPS = [
    # Django admin, on a site that needs a verified second factor (cspr.admin_site).
    "cspr.admin_apps.CsprAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "cspr.accounts",
    "cspr.audit",
    "cspr.notifications",
    "referrals",
    "rapidreview",
    "deadlines",
]

MIDDLEWARE = [
    # First: forwarded headers not from our own proxy are dropped before anything reads them.
    "cspr.proxies.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cspr.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): a second-factor code was accepted in this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cspr.accounts.middleware.IdleTimeoutMiddleware",
    "cspr.accounts.middleware.TwoFactorMiddleware",
    "cspr.middleware.NoStoreForSignedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cspr.urls"
WSGI_APPLICATION = "cspr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cspr.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default has web, worker and beat writing one file: wait for a lock
    # instead of failing, take the write lock when a transaction starts, and let readers
    # read while one process writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # In this order: the per-address lockout, the per-username back-off, then the password.
    "axes.backends.AxesStandaloneBackend",
    "cspr.accounts.backends.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Two-factor sign-in: the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="CSPR case manager")

# A password-reset link works once and for an hour.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_LINK_MINUTES", default=60) * 60
# Reset requests taken from one client address, and links sent to one account, per hour.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env.int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", default=10)
PASSWORD_RESET_PER_ACCOUNT_PER_HOUR = env.int("PASSWORD_RESET_PER_ACCOUNT_PER_HOUR", default=3)

# Sessions end after this many minutes without a request (IdleTimeoutMiddleware).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
# The cookie outlives the idle limit so the middleware can still say why it signed
# someone out; this is only the absolute upper bound of a session.
SESSION_MAX_AGE_HOURS = env.int("SESSION_MAX_AGE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_MAX_AGE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock an account + address out after repeated failures. The address is the
# one the audit trail records (the real client behind our proxy, not the proxy's own).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cspr.audit.services.client_ip"
# However many addresses they come from: after this many failed sign-ins to one username
# (forgotten a day after the last), each further try waits 1, 2, 4… minutes, up to the
# maximum. Applies to names with no account too, so it tells nobody which names exist.
SIGN_IN_USERNAME_FAILURE_LIMIT = env.int("SIGN_IN_USERNAME_FAILURE_LIMIT", default=10)
SIGN_IN_BACKOFF_MAX_MINUTES = env.int("SIGN_IN_BACKOFF_MAX_MINUTES", default=60)
SIGN_IN_FAILURE_WINDOW_HOURS = 24
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded case documents live outside the web root and are served only by views
# that check permission.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
FILE_UPLOAD_PERMISSIONS = 0o600
# Largest final report (PDF or DOCX) a review may upload, in megabytes.
CASE_DOCUMENT_MAX_MB = env.int("CASE_DOCUMENT_MAX_MB", default=20)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Mail: EMAIL_URL (smtp://, smtp+tls://, consolemail://…) or, by default, one file per
# message under var/mail.
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cspr-no-reply@example.org")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Celery. REDIS_URL or CELERY_BROKER_URL selects a real broker; otherwise kombu's
# filesystem transport, which needs no server and survives restarts (messages are files).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker" / "out"),
        "data_folder_out": str(VAR_DIR / "broker" / "out"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        # Broadcast (worker control) messages; kombu's default is ./control.
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

NOTIFICATION_REQUEUE_MINUTES = env.int("NOTIFICATION_REQUEUE_MINUTES", default=10)
DEADLINE_SWEEP_MINUTES = env.int("DEADLINE_SWEEP_MINUTES", default=5)

CELERY_BEAT_SCHEDULE = {
    # A delivery task can be lost if the broker was down at commit or a worker died
    # mid-task; every 5 minutes, queue again what is still pending and old enough.
    "notification-requeue-stale": {
        "task": "cspr.notifications.tasks.notification_requeue_stale_task",
        "schedule": crontab(minute="*/5"),
    },
    # Every DEADLINE_SWEEP_MINUTES, day and night: write the reminders, due-day notices
    # and overdue escalations open deadlines owe now. The sweep is idempotent, so a
    # missed or doubled beat neither loses nor repeats a reminder.
    "deadline-sweep": {
        "task": "deadlines.tasks.deadline_sweep_task",
        "schedule": timedelta(minutes=DEADLINE_SWEEP_MINUTES),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A calendar feed's address is its credential: it never goes into a log line.
    "filters": {"mask_secrets": {"()": "cspr.log_filters.MaskSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_secrets"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The development server's request lines go through the masking handler too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The filesystem transport has no host; kombu warns about that on every connect.
        "kombu.connection": {"level": "ERROR"},
    },
}

# Production hardening; all on when DEBUG is off.
# How many reverse proxies of ours stand in front of the app. Only then are
# X-Forwarded-For and X-Forwarded-Proto believed; a client can write either header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The addresses or networks our nearest proxy connects from. On any other connection the
# forwarded headers are removed (cspr.proxies), so a client that reaches the application
# server directly cannot forge its address or claim HTTPS.
TRUSTED_PROXY_ADDRESSES = env.list("TRUSTED_PROXY_ADDRESSES", default=["127.0.0.1", "::1"])
try:
    for _address in TRUSTED_PROXY_ADDRESSES:
        ipaddress.ip_network(_address.strip(), strict=False)
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_ADDRESSES: {exc}") from exc
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
