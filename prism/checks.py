"""System checks that catch deployment mistakes before they lose data."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register


@register()
def check_sqlite_options(app_configs, **kwargs):
    """Warn when the SQLite database is not opened the way concurrent PRISM needs."""
    warnings = []
    database = settings.DATABASES.get("default", {})
    if database.get("ENGINE") != "django.db.backends.sqlite3":
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
