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
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-value",
        "DJANGO_ALLOWED_HOSTS": "prism.example.com",
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
