"""System checks that catch deployment mistakes before they lose data."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode

SQLITE_ENGINE = "django.db.backends.sqlite3"
# SQLite before 3.51.3 can corrupt a WAL database when one connection resets the WAL
# file while another checkpoints it: what several PRISM processes writing at once do.
SQLITE_WAL_RESET_FIXED = (3, 51, 3)


@register()
def check_sqlite_options(app_configs, **kwargs):
    """Warn when the SQLite database is not opened the way concurrent PRISM needs."""
    warnings = []
    database = settings.DATABASES.get("default", {})
    if database.get("ENGINE") != SQLITE_ENGINE:
        return warnings
    options = database.get("OPTIONS", {})
    init_command = options.get("init_command", "")
    if (
        options.get("transaction_mode") != "IMMEDIATE"
        or "WAL" not in init_command.upper()
    ):
        warnings.append(
            Warning(
                "SQLite is not opened with WAL and IMMEDIATE transactions.",
                hint=(
                    "Use OPTIONS = {'transaction_mode': 'IMMEDIATE', 'timeout': 20, "
                    "'init_command': 'PRAGMA journal_mode=WAL; "
                    "PRAGMA synchronous=NORMAL;'} so the web server and the worker "
                    "do not fail with 'database is locked'."
                ),
                id="prism.W001",
            )
        )
    return warnings


@register(Tags.database)
def check_sqlite_journal_mode(app_configs, databases=None, **kwargs):
    """Warn when a file SQLite database is not in WAL mode (asks the database).

    Tagged ``database`` as Django recommends for checks that connect: it runs with
    ``check --database default`` and at ``migrate``, never on a plain ``check``.
    """
    warnings = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "sqlite" or connection.is_in_memory_db():
            continue
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = str(cursor.fetchone()[0]).lower()
        if mode != "wal":
            warnings.append(
                Warning(
                    f"SQLite database '{alias}' uses journal_mode={mode}, not WAL.",
                    hint=(
                        "Readers then block the writer and concurrent PRISM processes "
                        "fail with 'database is locked'. Open it with "
                        "OPTIONS['init_command'] = 'PRAGMA journal_mode=WAL; ...' "
                        "(see prism.W001); WAL mode is stored in the file."
                    ),
                    id="prism.W002",
                )
            )
    return warnings


# A database check: `migrate` and `check --database default` show it, while every
# other command (an import, an export) is not cluttered with it.
@register(Tags.database)
def check_sqlite_library(app_configs, databases=None, **kwargs):
    """Warn when the SQLite library Django uses has the WAL-reset bug."""
    database = settings.DATABASES.get("default", {})
    if "default" not in (databases or []) or database.get("ENGINE") != SQLITE_ENGINE:
        return []
    # The module Django's backend really uses (pysqlite3 if it was swapped in).
    from django.db.backends.sqlite3.base import Database

    if tuple(Database.sqlite_version_info) >= SQLITE_WAL_RESET_FIXED:
        return []
    fixed = ".".join(map(str, SQLITE_WAL_RESET_FIXED))
    return [
        Warning(
            f"The SQLite library is version {Database.sqlite_version}, older than "
            f"{fixed}: its WAL-reset bug can corrupt a WAL database that several "
            "processes (web server, worker, commands) write at once.",
            hint=(
                "For production set DATABASE_URL to PostgreSQL. To keep SQLite, run "
                f"Python with SQLite {fixed} or newer: an OS whose libsqlite3 is that "
                "new, a Python built against it, or pysqlite3 built from source with "
                "a newer amalgamation and put in place of the sqlite3 module "
                "(pysqlite3-binary 0.5.4.post2 still bundles 3.51.1). "
                "Silence with SILENCED_SYSTEM_CHECKS = ['prism.W003'] once accepted."
            ),
            id="prism.W003",
        )
    ]


# --- what a host project must give PRISM -------------------------------------------

# The apps PRISM's models, admin, views and API import from or render templates of,
# with what each is for (the check's hint tells a host why it is needed).
REQUIRED_APPS = {
    "django.contrib.admin": "the editorial desk and the audit log",
    "django.contrib.auth": "editors, chief editors and subscribers",
    "django.contrib.contenttypes": "permissions and the audit log",
    "django.contrib.sessions": "signed-in readers' pages",
    "django.contrib.messages": "the notices on the site and in the desk",
    "django.contrib.sitemaps": "sitemap.xml",
    "rest_framework": "the REST API",
    "rest_framework.authtoken": "API tokens",
    "django_filters": "the API's filters",
    "drf_spectacular": "the API schema and its docs page",
}
SIDECAR_APP = "drf_spectacular_sidecar"
BASE_TEMPLATE = "base.html"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
EXTENDS_BASE = re.compile(r"{%\s*extends\s+[\"']base\.html[\"']\s*%}")


@register()
def check_task_queue_installed(app_configs, **kwargs):
    """Error when django-q2, which runs PRISM's background work, is not installed."""
    if apps.is_installed("django_q"):
        return []
    return [
        Error(
            "'django_q' is not in INSTALLED_APPS.",
            hint=(
                "PRISM runs summaries, the morning generation, scheduled publishing "
                "and the e-mail digest on django-q2: add 'django_q' to "
                "INSTALLED_APPS, set Q_CLUSTER and run `manage.py qcluster`."
            ),
            id="prism.E001",
        )
    ]


@register()
def check_required_apps_installed(app_configs, **kwargs):
    """Error for each app PRISM builds on that the host did not install."""
    required = dict(REQUIRED_APPS)
    spectacular = getattr(settings, "SPECTACULAR_SETTINGS", {}) or {}
    if "SIDECAR" in spectacular.values():
        required[SIDECAR_APP] = "the API docs page's assets (SPECTACULAR_SETTINGS)"
    return [
        Error(
            f"'{name}' is not in INSTALLED_APPS.",
            hint=f"PRISM needs it for {purpose}: add '{name}' to INSTALLED_APPS.",
            obj=name,
            id="prism.E002",
        )
        for name, purpose in required.items()
        if not apps.is_installed(name)
    ]


@register(Tags.templates)
def check_base_template(app_configs, **kwargs):
    """Warn when there is no ``base.html`` or it lacks blocks PRISM's pages fill."""
    try:
        base = get_template(BASE_TEMPLATE)
    except TemplateDoesNotExist:
        return [
            Warning(
                "No template 'base.html' was found.",
                hint=(
                    "PRISM's pages extend your site's base.html: add one to a "
                    "folder in TEMPLATES['DIRS'] with the blocks "
                    f"{_block_list(_blocks_prism_fills())}."
                ),
                id="prism.W004",
            )
        ]
    except TemplateSyntaxError:
        return []  # Rendering any page shows the error itself.
    defined = _blocks_defined(base)
    if defined is None:  # Not a Django template (Jinja2): its blocks are not ours.
        return []
    missing = [name for name in _blocks_prism_fills() if name not in defined]
    if not missing:
        return []
    return [
        Warning(
            f"base.html does not define {_block_list(missing)}.",
            hint=(
                "PRISM's pages put their content there, which is lost without "
                f"them: add {_block_list(missing)} to base.html."
            ),
            obj=base.origin.name if getattr(base, "origin", None) else BASE_TEMPLATE,
            id="prism.W005",
        )
    ]


def _blocks_prism_fills() -> list[str]:
    """The top-level blocks of PRISM's templates that extend base.html, sorted."""
    names: set[str] = set()
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        if not EXTENDS_BASE.search(path.read_text(encoding="utf-8")):
            continue
        try:  # By name, so a template the host overrides counts as overridden.
            template = get_template(path.relative_to(TEMPLATES_DIR).as_posix())
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue
        nodelist = getattr(getattr(template, "template", None), "nodelist", None)
        for extends in nodelist.get_nodes_by_type(ExtendsNode) if nodelist else ():
            if _constant_parent(extends) == BASE_TEMPLATE:
                names.update(
                    node.name
                    for node in extends.nodelist
                    if isinstance(node, BlockNode)
                )
    return sorted(names)


def _blocks_defined(template, depth: int = 0) -> set[str] | None:
    """Every block ``template`` and the templates it extends define (None: not ours)."""
    nodelist = getattr(getattr(template, "template", None), "nodelist", None)
    if nodelist is None:
        return None
    names = {node.name for node in nodelist.get_nodes_by_type(BlockNode)}
    for extends in nodelist.get_nodes_by_type(ExtendsNode):
        parent = _constant_parent(extends)
        if parent is None or depth > 10:
            continue
        try:
            names |= _blocks_defined(get_template(parent), depth + 1) or set()
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue
    return names


def _constant_parent(extends: ExtendsNode) -> str | None:
    """The parent's name of ``{% extends "name" %}`` (None for a variable)."""
    parent = getattr(extends.parent_name, "var", None)
    return str(parent) if isinstance(parent, str) else None


def _block_list(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)
