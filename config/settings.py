"""Roost settings, read from the environment (see the table in README.md).

A fresh checkout runs on embedded defaults: SQLite and the Celery filesystem broker under
``var/``, the local Twitter sandbox, console email. With ``DEBUG`` off none of those dev
defaults is allowed to slip into production: startup fails with one line per problem.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_str, env_url
from config.logging import build_logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything a running Roost writes locally: SQLite, the filesystem broker, private media.
DATA_DIR = Path(env_str("ROOST_DATA_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DEBUG", True)

# Dev defaults. They exist so `make run` works on a fresh clone; production refuses them.
DEV_SECRET_KEY = "roost-dev-only-secret-key-do-not-use-in-production"
DEV_TOKEN_ENCRYPTION_KEY = "gazkUg7KWeGeCJ8iL8JTHjYWJimw1-GWEyWC2AIL5Eo="

_problems: list[str] = []

SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    _problems.append("SECRET_KEY must be set to a long random value (the development key is public).")

_database_url = env_str("DATABASE_URL")
if not DEBUG and _database_url is None:
    _problems.append("DATABASE_URL must be set (for example postgres://user:pass@host:5432/roost).")

REDIS_URL = env_str("REDIS_URL")
if not DEBUG and REDIS_URL is None:
    _problems.append(
        "REDIS_URL must be set (for example redis://host:6379/0); the filesystem broker is for development."
    )

_token_keys = env_list("TOKEN_ENCRYPTION_KEYS")
if not DEBUG and not _token_keys:
    _problems.append(
        "TOKEN_ENCRYPTION_KEYS must be set to one or more comma-separated Fernet keys "
        '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())").'
    )
for _key in _token_keys:
    try:
        Fernet(_key)
    except ValueError:
        _problems.append(
            "TOKEN_ENCRYPTION_KEYS contains a value that is not a valid Fernet key (32 url-safe base64 bytes)."
        )
        break
TOKEN_ENCRYPTION_KEYS = _token_keys or [DEV_TOKEN_ENCRYPTION_KEY]

if _problems:
    raise ImproperlyConfigured(
        "Roost will not start with DEBUG off on development defaults:\n- " + "\n- ".join(_problems)
    )

# The sandbox stands in for Twitter. In production it needs an explicit SANDBOX_ENABLED=1,
# which is allowed (demos, benchmarks) but logged loudly below and by `manage.py check`.
SANDBOX_ENABLED = env_bool("SANDBOX_ENABLED", DEBUG)

PUBLIC_URL = env_url("PUBLIC_URL", "http://127.0.0.1:8000" if DEBUG else None)
_public_host = urlsplit(PUBLIC_URL).hostname if PUBLIC_URL else None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if _public_host and _public_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_public_host)
CSRF_TRUSTED_ORIGINS = [f"{urlsplit(PUBLIC_URL).scheme}://{urlsplit(PUBLIC_URL).netloc}"] if PUBLIC_URL else []

# --- Twitter -------------------------------------------------------------------------------
# The sandbox's own app: it accepts these credentials, so a fresh checkout needs none.
SANDBOX_APP = {
    "consumer_key": "RoostSandboxConsumerKey01",
    "consumer_secret": "RoostSandboxConsumerSecret0123456789abcdefghijklmno",
    "access_token": "1000000000000000001-RoostSandboxAppOwnerAccessToken01",
    "access_token_secret": "RoostSandboxAppOwnerAccessTokenSecret0123456789abc",
    "bearer_token": "AAAAAAAAAAAAAAAAAAAAARoostSandboxBearerToken0123456789",
    "app_id": "1000001",
}
_twitter_default = SANDBOX_APP if SANDBOX_ENABLED else {}

TWITTER_CONSUMER_KEY = env_str("TWITTER_CONSUMER_KEY", _twitter_default.get("consumer_key", ""))
TWITTER_CONSUMER_SECRET = env_str("TWITTER_CONSUMER_SECRET", _twitter_default.get("consumer_secret", ""))
TWITTER_ACCESS_TOKEN = env_str("TWITTER_ACCESS_TOKEN", _twitter_default.get("access_token", ""))
TWITTER_ACCESS_TOKEN_SECRET = env_str("TWITTER_ACCESS_TOKEN_SECRET", _twitter_default.get("access_token_secret", ""))
TWITTER_BEARER_TOKEN = env_str("TWITTER_BEARER_TOKEN", _twitter_default.get("bearer_token", ""))
TWITTER_APP_ID = env_str("TWITTER_APP_ID", _twitter_default.get("app_id", ""))
TWITTER_ENV_NAME = env_str("TWITTER_ENV_NAME", "prod")
# Direct Messages an account may send per 24 h (Twitter's limit; Roost warns at 80%).
TWITTER_DM_DAILY_LIMIT = env_int("TWITTER_DM_DAILY_LIMIT", 1000, minimum=1)
TWITTER_API_VERSION = env_choice("TWITTER_API_VERSION", ("1.1", "2"), "1.1")
_sandbox_base = PUBLIC_URL or "http://127.0.0.1:8000"
TWITTER_API_URL = env_url(
    "TWITTER_API_URL", f"{_sandbox_base}/sandbox/api" if SANDBOX_ENABLED else "https://api.twitter.com"
)
TWITTER_UPLOAD_URL = env_url(
    "TWITTER_UPLOAD_URL", f"{_sandbox_base}/sandbox/upload" if SANDBOX_ENABLED else "https://upload.twitter.com"
)

# Requests per minute each REST API token may make; past it the API answers 429 with Retry-After.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120, minimum=1)

# --- Django --------------------------------------------------------------------------------
INSTALLED_APPS = [
    "accounts.admin_apps.RoostAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' assets itself, with no CDN
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "accounts",
    "accounts.twitter_provider",
    "engagement",
    "webhooks",
    "sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.logging.RequestLogContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.CurrentBrandMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.BrandRequiresMfaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.current_brand",
                "engagement.context_processors.dm_limit_banner",
            ],
        },
    }
]

if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=False)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database that vanishes from the network (no reset, no answer) would hold a request,
        # /healthz or a worker for the kernel's TCP timeouts (minutes): connecting gives up after
        # 5 s and a connection whose peer went silent is dropped after about a minute. Options
        # in DATABASE_URL's query string win.
        _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
        for _option, _value in {
            "connect_timeout": 5,
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        }.items():
            _pg_options.setdefault(_option, _value)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "roost.sqlite3",
            # WAL lets web and worker read while one writes; IMMEDIATE takes the write lock
            # at BEGIN so two writers wait (busy timeout) instead of failing mid-transaction.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not :memory:, so live-server and worker threads in tests share it.
            "TEST": {"NAME": DATA_DIR / "test-roost.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Without timeouts a Redis that vanishes from the network (no reset, no answer)
            # holds every request touching the cache forever; with them it is an error callers
            # can handle (found by the Redis fault drill).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    # A file cache is shared by the web and worker processes, unlike locmem.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": DATA_DIR / "cache"}
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# allauth: people log in with their email (password) or with Twitter (accounts.adapters).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_GET = False
# ACCOUNT_RATE_LIMITS is deliberately not set: allauth's defaults (login failures, signups,
# password resets) stay on.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Roost] "
# The Twitter provider is ours (accounts.twitter_provider): allauth's hard-codes Twitter's
# hosts, ours reads TWITTER_API_URL. Tokens go into TwitterAccount (encrypted), never here.
SOCIALACCOUNT_STORE_TOKENS = False
# A person who signs in with Twitter is identified by the Twitter account; no email is needed.
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_PROVIDERS = {
    "twitter": {"APPS": [{"client_id": TWITTER_CONSUMER_KEY, "secret": TWITTER_CONSUMER_SECRET, "key": ""}]}
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Roost"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Customers' media and tokens-adjacent files are private: there is no public MEDIA_URL, and
# files are served only by views that check the requester's brand.
PRIVATE_MEDIA_ROOT = DATA_DIR / "private"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640

_email_host = env_str("EMAIL_HOST")
if _email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email_host
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Roost <roost@localhost>")

# --- Security (production) -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Submitting a domain to the browsers' preload list is hard to undo: the operator opts
        # in with SECURE_HSTS_PRELOAD=1 rather than Roost doing it for them.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Celery ----------------------------------------------------------------------------------
# The broker is a doorbell: every task's work is recorded in a row first and periodic sweeps
# find rows whose doorbell was lost, so publishing never retries on a request path.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 5,
        "visibility_timeout": 3600,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "polling_interval": 0.2,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5

# The embedded defaults write under DATA_DIR; SQLite and the filesystem broker need the
# folders to exist before the first connection.
if not _database_url or not REDIS_URL:
    for _folder in (DATA_DIR, DATA_DIR / "broker" / "queue", DATA_DIR / "broker" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Celery's Django fixup closes every database connection before and after each task unless
# this is set; it then closes them every 2 x this many tasks. A new PostgreSQL connection per
# task (a backend forked, its catalog caches cold) cost more than most tasks themselves, so
# tasks keep connections as requests do: config/celery.py applies CONN_MAX_AGE and drops a
# connection that failed, around every task.
CELERY_DB_REUSE_MAX = 10_000
# Replies to customers have their own queue, so they never wait behind a burst of intake.
CELERY_TASK_ROUTES = {"engagement.tasks.sending.send_message": {"queue": "send"}}
# Periodic tasks. Each app keeps its entries in its own block below.
CELERY_BEAT_SCHEDULE: dict = {}

# -- webhooks: periodic tasks --
CELERY_BEAT_SCHEDULE["sweep-webhook-events"] = {"task": "webhooks.tasks.sweep_webhook_events", "schedule": 30.0}
CELERY_BEAT_SCHEDULE["check-webhook-health"] = {"task": "webhooks.tasks.check_webhook_health", "schedule": 30 * 60.0}

# -- engagement: periodic tasks --
CELERY_BEAT_SCHEDULE["sweep-messages"] = {"task": "engagement.tasks.sending.sweep_messages", "schedule": 10.0}
CELERY_BEAT_SCHEDULE["sweep-twitter-syncs"] = {"task": "engagement.tasks.sync.sweep_twitter_syncs", "schedule": 60.0}

# -- accounts: periodic tasks --
CELERY_BEAT_SCHEDULE["sweep-pending-subscriptions"] = {
    "task": "accounts.tasks.sweep_pending_subscriptions",
    "schedule": 60.0,
}

# -- sandbox: periodic tasks --
# The sandbox's own settings (defaults and the rest in sandbox/conf.py).
SANDBOX_DM_DAILY_LIMIT = env_int("SANDBOX_DM_DAILY_LIMIT", 1000, minimum=1)
SANDBOX_RATE_LIMITS_ENABLED = env_bool("SANDBOX_RATE_LIMITS_ENABLED", True)
# Sign in with Twitter callbacks the sandbox app approves besides loopback hosts (default PUBLIC_URL).
SANDBOX_CALLBACK_URLS = env_list("SANDBOX_CALLBACK_URLS") or None
# Webhook delivery retries (twitter-api.md §11.5): Twitter's 3 s / 27 s / 242 s, shorter in development.
SANDBOX_DELIVERY_RETRY_DELAYS = (1, 3, 10) if DEBUG else (3, 27, 242)
if SANDBOX_ENABLED:
    CELERY_BEAT_SCHEDULE["sandbox-deliveries-sweep"] = {
        "task": "sandbox.deliveries_sweep",
        "schedule": 10.0,
        "options": {"queue": "sandbox", "expires": 10},
    }

CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

LOG_LEVEL = env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
LOGGING = build_logging_config(LOG_LEVEL)
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.error_reports.RoostExceptionReporterFilter"
