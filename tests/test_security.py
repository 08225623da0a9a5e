"""Security gates: headers, login throttling and the production deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get(reverse("prism:home"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.axes
@pytest.mark.django_db
def test_admin_login_is_locked_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    get_user_model().objects.create_user(
        "chief2", password="right-password-1", is_staff=True
    )
    url = reverse("admin:login")
    for _ in range(3):
        response = client.post(url, {"username": "chief2", "password": "wrong"})
    assert response.status_code == 429
    assert "로그인이 잠시 제한되었습니다" in response.content.decode()
    # Even the right password is refused while the lock lasts.
    response = client.post(url, {"username": "chief2", "password": "right-password-1"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.axes
@pytest.mark.django_db
def test_subscriber_login_is_locked_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    get_user_model().objects.create_user("reader2", password="right-password-1")
    for _ in range(2):
        response = client.post(
            reverse("login"), {"username": "reader2", "password": "nope"}
        )
    assert response.status_code == 429


def test_production_settings_pass_the_deploy_check(tmp_path):
    # Production runs on PostgreSQL. A plain check never connects (only checks
    # tagged ``database`` would, with --database), so no server is needed here.
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-value",
        "DJANGO_ALLOWED_HOSTS": "prism.example.com",
        "DATABASE_URL": "postgres://prism:prism@127.0.0.1:5432/prism",
        "PRISM_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "false", "PRISM_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def _manage_check(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environ.update(PRISM_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_embedded_sqlite_warns_about_a_library_with_the_wal_reset_bug(tmp_path):
    from django.db.backends.sqlite3.base import Database

    result = _manage_check(tmp_path, "--database", "default")
    assert result.returncode == 0, result.stderr
    old = tuple(Database.sqlite_version_info) < (3, 51, 3)
    assert ("prism.W003" in result.stderr) is old, result.stderr
    if old:
        assert Database.sqlite_version in result.stderr
        assert "PostgreSQL" in result.stderr
    # The embedded default itself is opened right: WAL and IMMEDIATE.
    assert "prism.W001" not in result.stderr
    assert "prism.W002" not in result.stderr


@pytest.mark.parametrize(
    ("version", "warned"), [((3, 40, 1), True), ((3, 51, 2), True), ((3, 51, 3), False)]
)
def test_sqlite_library_check_threshold(settings, monkeypatch, version, warned):
    from django.db.backends.sqlite3.base import Database

    from prism.checks import SQLITE_ENGINE, check_sqlite_library

    # The check reads only the engine name (the suite may run on PostgreSQL).
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", SQLITE_ENGINE)
    monkeypatch.setattr(Database, "sqlite_version_info", version)
    monkeypatch.setattr(Database, "sqlite_version", ".".join(map(str, version)))
    ids = [warning.id for warning in check_sqlite_library(None, databases=["default"])]
    assert ids == (["prism.W003"] if warned else [])


def test_sqlite_file_outside_wal_mode_is_reported_by_the_database_check(tmp_path):
    # Settings that open SQLite without the WAL init_command: a fresh file stays in
    # the rollback-journal mode, which only a check that asks the database sees.
    (tmp_path / "nowal_settings.py").write_text(
        "from newsroom.settings import *  # noqa: F403\n"
        "DATABASES['default']['OPTIONS'] = {'timeout': 20}\n"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "nowal_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "PRISM_SQLITE_PATH": str(tmp_path / "nowal.sqlite3"),
    }
    plain = _manage_check(tmp_path, **env)
    assert "prism.W001" in plain.stderr
    assert "prism.W002" not in plain.stderr  # a plain check does not connect
    with_database = _manage_check(tmp_path, "--database", "default", **env)
    assert with_database.returncode == 0, with_database.stderr
    assert "prism.W002" in with_database.stderr
    assert "journal_mode=delete" in with_database.stderr

    wal = _manage_check(
        tmp_path, "--database", "default", PRISM_SQLITE_PATH=str(tmp_path / "w.db")
    )
    assert "prism.W002" not in wal.stderr and "prism.W001" not in wal.stderr
