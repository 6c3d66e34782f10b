"""One settings module for every environment, read from environment variables.

Defaults are safe: DEBUG is off unless asked for, and with DEBUG off the site refuses to start
without a secret key. `make run` and `make test` turn DEBUG on for local use.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {value!r}")


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set it to a long random string, or set DJANGO_DEBUG=true for local use."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

SITE_NAME = os.environ.get("SITE_NAME", "Self-Harm Help")
# Where "Leave this site" goes: a neutral, everyday page that gives nothing away.
QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "https://www.weather.gov/")

INSTALLED_APPS = [
    "config.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "post_office",
    "crisis",
    "content",
    "directory",
    "opendata",
    "pagecache",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A cached page skips everything below: it is stored with the headers the next two add (fixed for
    # reader pages, and part of the cache key), and the headers added above are added to it too.
    "pagecache.middleware.PageCacheMiddleware",
    "config.middleware.PrivacyHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "pagecache.middleware.ReaderGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL prefix only (/es/); see config/urls.py.
    "config.middleware.URLLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A database that accepts connections but never answers must fail a page in seconds, not hang a worker.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 5000)
# After a failed connection each worker stops trying for this long (ops.circuit): readers get the last good
# copy of a page or the static crisis page at once, while one background attempt checks for the database.
DATABASE_RETRY_SECONDS = env_int("DATABASE_RETRY_SECONDS", 5)
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "ops.backends.postgresql"
    _db_options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    _db_options.setdefault("options", f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite's only wait is for another writer's lock. IMMEDIATE makes a writing transaction take the lock
    # at BEGIN, so concurrent writers queue for it instead of failing when a read turns into a write.
    _db_options.setdefault("timeout", DATABASE_CONNECT_TIMEOUT)
    _db_options.setdefault("transaction_mode", "IMMEDIATE")

# Redis is shared by all workers. Its errors are logged and ignored, with short timeouts, so a slow or
# dead Redis costs the cache and never the page. Without it, each worker caches in its own memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.25),
                "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.25),
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Whole pages for readers are cached until content changes; this only bounds memory. 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 24 * 60 * 60)

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# A missing manifest entry must never turn an error page (with its crisis banner) into a crash.
WHITENOISE_MANIFEST_STRICT = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Mail goes out from a queue (send_queued_mail), never inside a visitor's request; this bounds each try.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
POST_OFFICE = {
    # A failed send is kept and tried again this many times, RETRY_INTERVAL apart, then marked failed.
    "MAX_RETRIES": env_int("EMAIL_MAX_RETRIES", 5),
    "RETRY_INTERVAL": timedelta(minutes=env_int("EMAIL_RETRY_MINUTES", 15)),
    "DEFAULT_PRIORITY": "medium",
    # The sender runs from cron; a thread pool buys nothing for a handful of moderator emails.
    "THREADS_PER_PROCESS": 1,
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
MODERATOR_EMAILS = env_list("MODERATOR_EMAILS", ["moderators@localhost"])

# Privacy: nothing leaves for another host, and the referrer never tells a site where a reader came from.
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Staff sessions (readers never get one) end after a working day or when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Suggestions and problem reports: how many one address may send in an hour.
SUBMISSION_RATE_LIMIT = env_int("SUBMISSION_RATE_LIMIT", 5)
# Proxies (load balancers) in front of the app that append to X-Forwarded-For; 0 trusts none.
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)
# Handled suggestions and problem reports are deleted this long after they arrived (purge_submissions).
SUBMISSION_RETENTION_DAYS = env_int("SUBMISSION_RETENTION_DAYS", 180)

# Confirm-your-listing links (decision 013). Emails are sent with links to SITE_URL, whoever asked.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# A link works this many days, once.
VERIFICATION_LINK_DAYS = env_int("VERIFICATION_LINK_DAYS", 30)
# request_verifications does not ask a listing again within this many days of asking it.
VERIFICATION_ASK_AGAIN_DAYS = env_int("VERIFICATION_ASK_AGAIN_DAYS", 60)
# "Send me a new link": at most this many links per listing per day, and per address per hour.
VERIFICATION_LINKS_PER_LISTING = env_int("VERIFICATION_LINKS_PER_LISTING", 3)
VERIFICATION_LINKS_PER_ADDRESS = env_int("VERIFICATION_LINKS_PER_ADDRESS", 5)
# Reports of a wrong number or a closure from this many different readers since a listing's last
# verification move it below the verified listings, with a warning, until moderators resolve them.
LISTING_REPORT_THRESHOLD = env_int("LISTING_REPORT_THRESHOLD", 2)

# Admin sign-in: a one-time code from an authenticator app on top of the password (see README),
# and a lockout after repeated wrong passwords, per account and per address.
ADMIN_REQUIRE_OTP = env_bool("ADMIN_REQUIRE_OTP", not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME
# Device secrets are shown once, by manage.py enroll_otp, never again in admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The same reading of X-Forwarded-For as the submission rate limit (DJANGO_NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "directory.models.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
