"""PRISM's system checks tell a host project what it forgot to set up."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.checks import Error, Warning, run_checks
from django.test import override_settings

from prism.checks import (
    check_base_template,
    check_required_apps_installed,
    check_task_queue_installed,
)

PRISM_PAGE_BLOCKS = ["title", "description", "meta", "head", "body_class", "content"]


def prism_messages() -> list:
    return [m for m in run_checks() if m.id and m.id.startswith("prism.")]


def installed_apps_without(*names: str) -> list[str]:
    return [app for app in django_settings.INSTALLED_APPS if app not in names]


def templates_in(folder) -> list[dict]:
    """The host's TEMPLATES with its own folder replaced by ``folder``."""
    engine = {**django_settings.TEMPLATES[0], "DIRS": [folder]}
    return [engine]


def test_the_newsroom_host_gets_no_prism_message():
    assert prism_messages() == []


def test_no_prism_dict_is_fine(settings):
    del settings.PRISM

    assert prism_messages() == []


def test_missing_task_queue_is_an_error():
    with override_settings(INSTALLED_APPS=installed_apps_without("django_q")):
        messages = check_task_queue_installed(None)

    assert [(type(m), m.id) for m in messages] == [(Error, "prism.E001")]
    assert "Q_CLUSTER" in messages[0].hint


def test_each_missing_required_app_is_named():
    missing = ("rest_framework.authtoken", "django.contrib.sitemaps")
    with override_settings(INSTALLED_APPS=installed_apps_without(*missing)):
        messages = check_required_apps_installed(None)

    assert {m.obj for m in messages} == set(missing)
    assert {(type(m), m.id) for m in messages} == {(Error, "prism.E002")}


def test_sidecar_is_needed_only_when_the_api_docs_use_it(settings):
    without_sidecar = installed_apps_without("drf_spectacular_sidecar")
    settings.SPECTACULAR_SETTINGS = {"SWAGGER_UI_DIST": "SIDECAR"}
    with override_settings(INSTALLED_APPS=without_sidecar):
        assert [m.obj for m in check_required_apps_installed(None)] == [
            "drf_spectacular_sidecar"
        ]
    settings.SPECTACULAR_SETTINGS = {}
    with override_settings(INSTALLED_APPS=without_sidecar):
        assert check_required_apps_installed(None) == []


def test_no_base_template_is_a_warning(settings, tmp_path):
    settings.TEMPLATES = templates_in(tmp_path)

    messages = check_base_template(None)

    assert [(type(m), m.id) for m in messages] == [(Warning, "prism.W004")]
    assert all(f"'{block}'" in messages[0].hint for block in PRISM_PAGE_BLOCKS)


def test_base_template_without_prism_blocks_names_them(settings, tmp_path):
    (tmp_path / "base.html").write_text(
        "<title>{% block title %}{% endblock %}</title>"
        "<main>{% block content %}{% endblock %}</main>",
        encoding="utf-8",
    )
    settings.TEMPLATES = templates_in(tmp_path)

    messages = check_base_template(None)

    assert [(type(m), m.id) for m in messages] == [(Warning, "prism.W005")]
    assert messages[0].msg == (
        "base.html does not define 'body_class', 'description', 'head', 'meta'."
    )


def test_blocks_in_the_layout_base_html_extends_count(settings, tmp_path):
    (tmp_path / "layout.html").write_text(
        "".join(f"{{% block {name} %}}{{% endblock %}}" for name in PRISM_PAGE_BLOCKS),
        encoding="utf-8",
    )
    (tmp_path / "base.html").write_text(
        '{% extends "layout.html" %}{% block title %}우리신문{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = templates_in(tmp_path)

    assert check_base_template(None) == []


@pytest.mark.parametrize("block", ["description", "body_class"])
def test_each_block_prism_fills_is_required(settings, tmp_path, block):
    (tmp_path / "base.html").write_text(
        "".join(
            f"{{% block {name} %}}{{% endblock %}}"
            for name in PRISM_PAGE_BLOCKS
            if name != block
        ),
        encoding="utf-8",
    )
    settings.TEMPLATES = templates_in(tmp_path)

    assert [m.msg for m in check_base_template(None)] == [
        f"base.html does not define '{block}'."
    ]
