"""Settings for the newsroom host project.

Everything that differs between a laptop and a deployment comes from the environment;
the defaults are the embedded setup (SQLite file, django-q2 ORM broker, extractive
summarizer) that `make demo` runs.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PRISM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is false.")
    SECRET_KEY = "insecure-dev-key-only-for-the-embedded-demo-setup"  # noqa: S105
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "csp",
    "axes",
    "prism",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

# Login throttling for subscribers and the admin (django-axes): after 5 failed
# attempts for one username from one address, that pair is locked for an hour.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("PRISM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

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
            ],
        },
    },
]

# The embedded default is one SQLite file shared by the web server, the django-q2
# worker and management commands. Every process must open it with the same options:
# WAL lets readers run beside the writer, and IMMEDIATE transactions take the write
# lock up front so concurrent writers queue (up to `timeout`) instead of failing with
# "database is locked" halfway through a transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("PRISM_SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": SQLITE_OPTIONS,
            # Reuse connections: opening SQLite and running the PRAGMAs per request
            # costs more than most of PRISM's page queries.
            "CONN_MAX_AGE": 60,
            "TEST": {"NAME": os.environ.get("PRISM_SQLITE_TEST_PATH") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

# PRISM is a Korean product: every page, the admin included, is Korean whatever the
# browser asks for (no LocaleMiddleware).
LANGUAGE_CODE = "ko-kr"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))

# Rendered public pages and briefing bodies (prism/page_cache.py), per process. The
# default LocMem size of 300 entries is smaller than a year of one reader type's
# editions: once full it evicts on every miss and nothing stays cached.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PRISM_CACHE_ENTRIES", "5000"))},
    }
}
# WhiteNoise serves static files from gunicorn; run `collectstatic` when deploying.
WHITENOISE_USE_FINDERS = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "prism:profile"
LOGOUT_REDIRECT_URL = "prism:home"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "prism@localhost")

# django-q2: the ORM broker by default (no extra service), Redis when REDIS_URL is set.
# `timeout` (a task's wall-clock limit) must stay below `retry` (when an unacknowledged
# task is delivered again), otherwise a slow task runs twice at the same time.
Q_CLUSTER = {
    "name": "prism",
    "workers": int(os.environ.get("PRISM_Q_WORKERS", "2")),
    "recycle": 200,
    "timeout": int(os.environ.get("PRISM_Q_TIMEOUT", "600")),
    "retry": int(os.environ.get("PRISM_Q_RETRY", "720")),
    "max_attempts": 3,
    "ack_failures": True,
    "save_limit": 1000,
    "catch_up": False,
    "label": "작업 큐",
    "orm": "default",
}
if os.environ.get("REDIS_URL"):
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = os.environ["REDIS_URL"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # PRISM's API throttles anonymous clients per IP and signed-in ones per user.
    "DEFAULT_THROTTLE_RATES": {
        "prism_anon": os.environ.get("PRISM_API_ANON_RATE", "120/minute"),
        "prism_user": os.environ.get("PRISM_API_USER_RATE", "1200/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "PRISM API",
    "DESCRIPTION": (
        "AI 프리즘 맞춤형 경제 브리핑 API: 독자 유형, 발행된 브리핑, 기사 보내기, "
        "내 프로필. 토큰(Authorization: Token …) 또는 세션(CSRF 필요)으로 인증합니다."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "prism": {
            "handlers": ["console"],
            "level": os.environ.get("PRISM_LOG_LEVEL", "INFO"),
        },
    },
}

# PRISM's own settings; every key is optional (defaults live in prism/conf.py).
PRISM = {
    "PUBLISHER": os.environ.get("PRISM_PUBLISHER", "서울경제"),
    "SITE_URL": os.environ.get("PRISM_SITE_URL", "http://127.0.0.1:8000"),
    "SUMMARIZER_BACKEND": os.environ.get("PRISM_SUMMARIZER_BACKEND", "extractive"),
    "SUMMARIZER_MODEL": os.environ.get("PRISM_SUMMARIZER_MODEL", ""),
    "TOKENIZER": os.environ.get("PRISM_TOKENIZER", "okt"),
    # The generative composer (README: "Generative composer"). The API key is read
    # by the composer from PRISM_COMPOSER_API_KEY itself and never kept in settings.
    "COMPOSER_BACKEND": os.environ.get("PRISM_COMPOSER_BACKEND", "extractive"),
    "COMPOSER_OPTIONS": {
        key: value
        for key, value in {
            "base_url": os.environ.get("PRISM_COMPOSER_BASE_URL", ""),
            "model": os.environ.get("PRISM_COMPOSER_MODEL", ""),
        }.items()
        if value
    },
}

# Security headers, on in every environment; the HTTPS-only ones when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The Django admin sets a few style attributes inline.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [
        origin.strip()
        for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
        if origin.strip()
    ]
