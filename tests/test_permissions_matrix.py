"""Role × state × action through the admin's own URLs: who may do what, and when.

The expectations are written out here, independently of ``prism.services.workflow``,
so a change to the state machine's table shows up as a failing cell.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from prism.models import AuditEvent, Briefing
from prism.services.revisions import revision_create
from tests.helpers.admin_forms import change_form_data

S = Briefing.Status
pytestmark = pytest.mark.usefixtures("fast_passwords")
ROLES = ["anonymous", "subscriber", "editor", "chief_editor"]
STATES = list(S.values)

# action: (states it may start from, state it ends in)
TRANSITIONS = {
    "submit": ({S.DRAFT}, S.IN_REVIEW),
    "request_changes": ({S.IN_REVIEW}, S.DRAFT),
    "approve": ({S.IN_REVIEW}, S.APPROVED),
    "schedule": ({S.APPROVED}, S.SCHEDULED),
    "unschedule": ({S.SCHEDULED}, S.APPROVED),
    "publish": ({S.APPROVED, S.SCHEDULED}, S.PUBLISHED),
    "unpublish": ({S.PUBLISHED}, S.UNPUBLISHED),
    "reopen": ({S.UNPUBLISHED}, S.DRAFT),
    "spike": ({S.DRAFT, S.IN_REVIEW}, S.SPIKED),
    "restore": ({S.SPIKED}, S.DRAFT),
}
ROLE_ACTIONS = {
    "anonymous": set(),
    "subscriber": set(),
    "editor": {"submit"},
    "chief_editor": set(TRANSITIONS),
}
# Where a person's save is accepted, and the state it leaves the briefing in.
EDITS = {
    "editor": {
        S.DRAFT: S.DRAFT,
        S.IN_REVIEW: S.IN_REVIEW,
        S.APPROVED: S.IN_REVIEW,
        S.SCHEDULED: S.IN_REVIEW,
    },
    "chief_editor": {
        S.DRAFT: S.DRAFT,
        S.IN_REVIEW: S.IN_REVIEW,
        S.APPROVED: S.IN_REVIEW,
        S.SCHEDULED: S.IN_REVIEW,
        S.PUBLISHED: S.PUBLISHED,  # a correction, with its public note
    },
}
PAGES = ["change", "preview", "diff", "history"]


@pytest.fixture
def briefing_in(make_briefing):
    """A complete briefing in ``status``, consistent with having got there."""

    def factory(status: str) -> Briefing:
        fields = {}
        if status in (S.APPROVED, S.SCHEDULED, S.PUBLISHED):
            fields["approved_version"] = 1
        if status == S.SCHEDULED:
            fields["publish_at"] = timezone.now() + dt.timedelta(hours=2)
        briefing = make_briefing(status=status, **fields)
        revision = revision_create(briefing=briefing, kind="generated")
        if status in (S.PUBLISHED, S.UNPUBLISHED):
            briefing.live_revision = revision
            briefing.published_at = timezone.now()
            briefing.save()
        return briefing

    return factory


@pytest.fixture
def client_as(client, make_role_user):
    def factory(role: str):
        if role != "anonymous":
            client.force_login(make_role_user(role))
        return client

    return factory


def _post_transition(client, briefing: Briefing, action: str):
    data = {"comment": "매트릭스 테스트 사유"}
    if action == "schedule":
        later = timezone.localtime() + dt.timedelta(hours=3)
        data["publish_at"] = later.strftime("%Y-%m-%dT%H:%M")
    url = reverse("admin:prism_briefing_transition", args=[briefing.pk, action])
    return client.post(url, data)


@pytest.mark.parametrize(
    ("role", "state", "action"), list(itertools.product(ROLES, STATES, TRANSITIONS))
)
def test_transition_matrix(client_as, briefing_in, role, state, action):
    briefing = briefing_in(state)
    client = client_as(role)
    events_before = AuditEvent.objects.filter(briefing=briefing).count()
    response = _post_transition(client, briefing, action)
    briefing.refresh_from_db()
    sources, target = TRANSITIONS[action]
    events_after = AuditEvent.objects.filter(briefing=briefing).count()

    if role in ("anonymous", "subscriber"):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert briefing.status == state
        assert events_after == events_before
    elif action not in ROLE_ACTIONS[role]:
        assert response.status_code == 403
        assert briefing.status == state
        assert events_after == events_before
    elif state not in sources:
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "admin:prism_briefing_change", args=[briefing.pk]
        )
        assert briefing.status == state
        assert events_after == events_before
    else:
        assert response.status_code == 302
        assert briefing.status == target
        assert events_after == events_before + 1
        event = AuditEvent.objects.filter(briefing=briefing).latest("id")
        assert event.actor is not None
        assert event.data["from"] == state
        assert event.data["to"] == target


@pytest.mark.parametrize(("role", "state"), list(itertools.product(ROLES, STATES)))
def test_edit_matrix(client_as, briefing_in, role, state):
    briefing = briefing_in(state)
    client = client_as(role)
    url = reverse("admin:prism_briefing_change", args=[briefing.pk])
    page = client.get(url)
    allowed = EDITS.get(role, {})
    if role in ("anonymous", "subscriber"):
        assert page.status_code == 302
        data = {"lead": "무단 수정", "base_version": "1"}
    else:
        assert page.status_code == 200
        can_edit = state in allowed
        assert ('name="lead"' in page.content.decode()) is can_edit
        data = change_form_data(page)
        data.update(lead="매트릭스 편집 리드.", base_version="1")
        if state == S.PUBLISHED:
            data["correction_note"] = "리드를 고쳤습니다."
    response = client.post(url, data)
    briefing.refresh_from_db()
    if state in allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert briefing.lead == "매트릭스 편집 리드."
        assert briefing.status == allowed[state]
        assert briefing.version == 2
        assert AuditEvent.objects.filter(
            briefing=briefing, action__in=["edited", "corrected"]
        ).exists()
    else:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
        assert briefing.lead != "매트릭스 편집 리드."
        assert briefing.version == 1


@pytest.mark.parametrize(
    ("role", "state", "page"), list(itertools.product(ROLES, STATES, PAGES))
)
def test_pages_matrix(client_as, briefing_in, role, state, page):
    briefing = briefing_in(state)
    client = client_as(role)
    url = reverse(f"admin:prism_briefing_{page}", args=[briefing.pk])
    response = client.get(url)
    if role in ("anonymous", "subscriber"):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert briefing.lead.encode() not in response.content
    else:
        assert response.status_code == 200
        if page in ("preview", "diff"):
            assert "no-store" in response["Cache-Control"]
            assert "private" in response["Cache-Control"]
