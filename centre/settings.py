"""Settings for the centre, read from the environment (see ``.env.example``).

Unset ``DATABASE_URL`` means an embedded SQLite file and unset ``REDIS_URL`` means Celery
runs tasks eagerly in-process: the demo runs anywhere. With both set, the same code runs
production-style on PostgreSQL and Redis.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from centre.env import database_from_url, env_bool, env_int, env_list, env_str, read_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
read_dotenv(BASE_DIR / ".env")

VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "centre",
    "intake",
    "mediation",
    "judicial",
    "petitions",
    "legal_aid",
    "labour",
    "review",
    "incidents",
    "feedback",
    "risk",
    "partners",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before any view reads a parameter: a control character in the query string is a 400.
    "centre.middleware.QueryStringCheckMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.user.is_verified(): whether this session's dynamic password (TOTP) was checked.
    "django_otp.middleware.OTPMiddleware",
    # A dynamic password to enter or enrol first, a password to change first, a session a
    # later login ended (centre.accounts).
    "centre.accounts.AuthenticationPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "centre.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a lockout raised by the backend into a page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): every script and stylesheet from the app itself, no
# inline script or style anywhere (等保 三级 web application controls); data: images for the
# receipt's QR code preview and the favicon, blob: for the incident report's photo previews.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# What a page may use of the browser: nothing but the camera (the grid worker's photos).
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(self), payment=(), usb=()"

ROOT_URLCONF = "centre.urls"
WSGI_APPLICATION = "centre.wsgi.application"

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
                "centre.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "demo.sqlite3",
            # The demo serves one clerk at a time; wait rather than fail on a write lock.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
# Reads that may lag a little (dashboard, warnings, 台账, search) go to a streaming replica
# when one is named; what a request reads after it wrote goes to the primary (centre.replica).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 5)
if DATABASE_REPLICA_URL:
    # Tests read the primary's test database through the alias (Django's TEST MIRROR).
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL) | {"TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["centre.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "centre.replica.ReplicaMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery -------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL") or None
# A Redis that stops answering must not hold a request for ever: the reference cache then
# reads the database (centre.refcache), as the broker gives up in a second (below).
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "centre",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "memory://"
# Without Redis, tasks run in-process at .delay() so the demo needs no worker.
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None and env_str("CELERY_BROKER_URL") is None
# Without a broker there is no beat: the dashboard then brings its figures up to date itself
# when it is opened (the demo), instead of the minute's refresh task (risk/dashboard/rollups.py).
RISK_REFRESH_ON_VIEW = CELERY_TASK_ALWAYS_EAGER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after it ran; a worker killed halfway leaves it queued.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged task after this long; longer than any task runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # With Redis down, a clerk's request must not hang on the broker: give up in a second
    # and leave the work to the sweep (centre.after_commit). A Redis that takes the connection but
    # never answers: two seconds (more than the worker's one-second BRPOP), not for ever.
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TIMEZONE = "Asia/Shanghai"
# Background jobs kept as rows (centre/jobs.py): every kind's limits in one place.
BACKGROUND_JOBS = {
    "document": {
        "max_attempts": 5,
        "stale_after": timedelta(minutes=10),
        "backoff": timedelta(seconds=30),
    },
    "handoff": {
        "max_attempts": 5,
        "stale_after": timedelta(minutes=15),
        "backoff": timedelta(seconds=30),
    },
    "export": {
        "max_attempts": 3,
        "stale_after": timedelta(minutes=5),
        "backoff": timedelta(seconds=30),
    },
    # An SMS the gateway could not take (5xx, timeout) is tried again by its task after
    # 30 s, 60 s, 120 s, 240 s, then left failed.
    "notification": {
        "max_attempts": env_int("NOTIFICATION_MAX_ATTEMPTS", 5),
        "stale_after": timedelta(minutes=10),
        "backoff": timedelta(seconds=env_int("NOTIFICATION_RETRY_BACKOFF", 30)),
    },
    # A partner's webhook (partners.tasks): tried again after 1 min, 2, 4 … until 24 hours
    # after its event (then gave_up); the doubling reaches 24 hours after 11 attempts.
    "webhook": {
        "max_attempts": 20,
        "stale_after": timedelta(minutes=5),
        "backoff": timedelta(seconds=env_int("WEBHOOK_RETRY_BACKOFF", 60)),
    },
}
# Seconds a partner's webhook receiver has to answer.
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
CELERY_BEAT_SCHEDULE = {
    "centre-heartbeat": {"task": "centre.tasks.heartbeat", "schedule": timedelta(minutes=1)},
    "centre-scan-clocks": {"task": "centre.tasks.scan_clocks", "schedule": timedelta(minutes=5)},
    "centre-sweep-notifications": {
        "task": "centre.tasks.sweep_notifications",
        "schedule": timedelta(minutes=1),
    },
    "judicial-sweep-handoffs": {
        "task": "judicial.tasks.sweep_handoffs",
        "schedule": timedelta(minutes=1),
    },
    "intake-sweep-documents": {
        "task": "intake.tasks.sweep_documents",
        "schedule": timedelta(minutes=1),
    },
    # The dashboard's rollups follow the cases within a minute (risk/models/rollup.py).
    "risk-refresh-rollups": {"task": "risk.refresh_rollups", "schedule": timedelta(minutes=1)},
    # The warning rules (risk/warnings/rules.py); also `manage.py scan_risks`.
    "risk-scan-warnings": {"task": "risk.scan_risks", "schedule": timedelta(minutes=15)},
    "risk-sweep-ledgers": {"task": "risk.sweep_ledgers", "schedule": timedelta(minutes=10)},
    # Overdue incidents: 催办, 督办 at 5 工作日, escalation past it (incidents/overdue.py).
    "incidents-scan-overdue": {
        "task": "incidents.tasks.scan_overdue",
        "schedule": timedelta(minutes=15),
    },
    # Partners' webhooks: timeline rows a kick missed, retries due, 24 hours past.
    "partners-sweep-webhooks": {
        "task": "partners.tasks.sweep_webhooks",
        "schedule": timedelta(minutes=1),
    },
    # 行政复议法 第30条: an application left unexamined past 5 工作日 counts as accepted.
    "review-accept-by-law": {
        "task": "review.tasks.accept_by_law",
        "schedule": timedelta(minutes=15),
    },
}

# --- Authentication, sessions, lockout ---------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "centre.auth_backends.CachedModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# GB/T 22239-2019 8.1.4.1 a (身份鉴别): passwords of 10 characters or more, of three of the
# four classes, unlike the user's name, none of the last five (centre.accounts).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "centre.accounts.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "centre.accounts.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "centre.accounts.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
# 8.1.4.1 a: a password is changed periodically, and one an administrator set is changed at
# the first login; until then the session reaches only the change page. The demo (DEBUG)
# turns both off so that its accounts log straight in; the validators above still apply.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
PASSWORD_CHANGE_ENFORCED = env_bool("PASSWORD_CHANGE_ENFORCED", not DEBUG)
# 8.1.4.1 d: two factors for every staff login — the password and a dynamic password (TOTP,
# django-otp) from an authenticator app, enrolled at the first login (centre.two_factor).
# The demo (DEBUG) may leave it off; `manage.py check --deploy` warns when it is off.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "矛调中心")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 等保 三级: a session ends after 30 idle minutes; every request pushes the expiry on.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# Sessions are read from the cache and written through to the database: one query less on
# every page, and a Redis restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# An account is locked after 5 failed logins, whatever address they come from.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by address as well would lock every clerk of a centre behind one NAT gateway
# after five typos by one of them; the account, not the address, is what is protected.
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # The SQLite demo cannot defer the case-sequence constraint; the case number itself stays
    # unique there, and SQLite's single writer serialises registrations anyway.
    "models.W038",
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The page, or JSON for the API's token login.
AXES_LOCKOUT_CALLABLE = "centre.api_errors.lockout"
AXES_CLIENT_IP_CALLABLE = "centre.net.client_ip"
AXES_VERBOSE = False

# Number of reverse proxies in front of the app whose X-Forwarded-For can be trusted.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# API tokens expire: a leaked token is useful only for a limited time.
API_TOKEN_TTL = timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 12))

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# --- Security (manage.py check --deploy is clean when DEBUG is off) ----------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Container and load-balancer health probes speak plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
if DEBUG:
    # In development whitenoise serves from the source folders; it still expects the root.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "centre.api_auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "centre.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "centre.api_errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "centre.api_errors.JSONParser",
        "centre.api_errors.FormParser",
        "centre.api_errors.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "centre.api_errors.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Per user and per token (centre.throttles); anonymous calls (the token login) per
    # address. A 429 says when to try again (Retry-After).
    "DEFAULT_THROTTLE_CLASSES": [
        "centre.throttles.UserThrottle",
        "centre.throttles.TokenThrottle",
        "centre.throttles.AnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_RATE_USER", "600/minute"),
        "token": env_str("API_RATE_TOKEN", "300/minute"),
        "anon": env_str("API_RATE_ANON", "60/minute"),
    },
}
# A request body (JSON, a form) of at most 2.5 MB; files are limited by intake.attachments.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
SPECTACULAR_SETTINGS = {
    "TITLE": "矛调中心API",
    "DESCRIPTION": "县级社会矛盾纠纷调处化解中心 信息系统接口 (v1)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the sidecar package: served by the app, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Window codes appear in several fields (window, suggested_window): one enum for all.
    "ENUM_NAME_OVERRIDES": {"WindowCodeEnum": "centre.models.Window.Code"},
}

# --- Personal data encryption (centre.crypto) ----------------------------------------
# ID and phone numbers are stored SM4-GCM encrypted. The key itself is never in settings,
# the environment or the repository: only the path of the file holding it is, so a leaked
# settings file or database dump alone reveals no one's ID number. The demo keeps its key
# in var/ (make run creates it); production must name a file (a Docker secret).
PARTY_KEY_FILE = env_str("PARTY_KEY_FILE") or (str(VAR_DIR / "party.key") if DEBUG else None)
# Keys retired by a rotation: they still decrypt old rows until those are re-encrypted.
PARTY_PREVIOUS_KEY_FILES = env_list("PARTY_PREVIOUS_KEY_FILES", [])

# --- Audit log (centre.audit) ---------------------------------------------------------------
# The audit log's entries are chained with HMAC-SM3 (GB/T 22239-2019 8.1.4.3 c: audit records
# protected from change and deletion). Its key, like the party key, is only ever a file;
# `manage.py rotate_audit_key` writes a new one, and the retired ones stay listed so that
# `manage.py verify_audit` can still check the entries they sealed.
AUDIT_KEY_FILE = env_str("AUDIT_KEY_FILE") or (str(VAR_DIR / "audit.key") if DEBUG else None)
AUDIT_PREVIOUS_KEY_FILES = env_list("AUDIT_PREVIOUS_KEY_FILES", [])
# 《网络安全法》第二十一条 (3): network logs kept for no less than six months; the deploy check
# refuses fewer than 180 days, and purge_audit_log keeps at least this many.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)

# The address residents reach the public pages at (the progress page on the receipt's QR).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# Where notifications go, per channel. A county names its SMS gateway's class here.
# Notification.idempotency_key's prefix: unique per deployment sharing one gateway account.
NOTIFICATION_KEY_PREFIX = env_str("NOTIFICATION_KEY_PREFIX", "centre")
NOTIFICATION_BACKENDS = {
    "sms": env_str("NOTIFICATION_SMS_BACKEND", "centre.notify.ConsoleBackend"),
    "email": env_str("NOTIFICATION_EMAIL_BACKEND", "centre.notify.ConsoleBackend"),
    "inapp": "centre.notify.InAppBackend",
}

# The SMS gateway of centre.notify.HttpSmsBackend (NOTIFICATION_SMS_BACKEND names it): a
# 政务短信平台 or a provider's HTTP interface, requests signed with HMAC-SHA256
# (centre.sms_gateway).
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_ACCOUNT = env_str("SMS_GATEWAY_ACCOUNT", "")
SMS_GATEWAY_SECRET = env_str("SMS_GATEWAY_SECRET", "")
SMS_GATEWAY_SIGN_NAME = env_str("SMS_GATEWAY_SIGN_NAME", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 5)  # seconds, to connect and to answer
# A message's kind → the provider's template code ("kind=code,kind=code"); a kind without
# one, or a message without template parameters, goes out in the generic template, whose
# one parameter ("content") is the text.
SMS_TEMPLATES = dict(item.split("=", 1) for item in env_list("SMS_TEMPLATES", []) if "=" in item)
SMS_GENERIC_TEMPLATE = env_str("SMS_GENERIC_TEMPLATE", "")
# Non-statutory SMS to one phone per calendar day (Asia/Shanghai); statutory ones always go.
SMS_DAILY_CAP_PER_PHONE = env_int("SMS_DAILY_CAP_PER_PHONE", 10)
# The gateway's signed callbacks (replies such as "TD") older than this are refused.
SMS_CALLBACK_MAX_AGE = env_int("SMS_CALLBACK_MAX_AGE", 300)

# Reminders to a clock's assignee this many days before the due date (the scan sends the
# tightest one that applies).
CLOCK_REMINDER_DAYS = [3, 1]
# Clocks the scan reads and writes messages for in one go.
CLOCK_SCAN_BATCH = env_int("CLOCK_SCAN_BATCH", 2000)
# Connections the scan shares its batches out over (centre.clocks.SCAN_CONNECTIONS when
# unset): one makes the batches run one after another, in due-date order.
if env_str("CLOCK_SCAN_CONNECTIONS"):
    CLOCK_SCAN_CONNECTIONS = env_int("CLOCK_SCAN_CONNECTIONS", 2)

# --- Demo -------------------------------------------------------------------------------
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo12345")

# --- Logging: to stdout, where gunicorn and the containers collect it ---------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every successful login at INFO; the audit log already has them.
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every render at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}
