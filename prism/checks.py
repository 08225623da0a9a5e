"""System checks that catch deployment mistakes before they lose data."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import connections

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
