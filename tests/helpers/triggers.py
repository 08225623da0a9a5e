"""A real database error on demand: a trigger refusing one article's insert."""

from __future__ import annotations

import pytest
from django.db import connection


def install_failing_trigger(headline: str) -> None:
    """A real database error on inserting an article with ``headline``."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER prism_test_fail BEFORE INSERT ON prism_article "
                f"WHEN NEW.headline = '{headline}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION prism_test_fail() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.headline = '{headline}' THEN "
                "RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; "
                "END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER prism_test_fail BEFORE INSERT ON prism_article "
                "FOR EACH ROW EXECUTE FUNCTION prism_test_fail()"
            )
        else:
            pytest.skip(f"no test trigger for {connection.vendor}")


def drop_failing_trigger() -> None:
    """Remove the trigger :func:`install_failing_trigger` created."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER prism_test_fail ON prism_article")
        else:
            cursor.execute("DROP TRIGGER prism_test_fail")
