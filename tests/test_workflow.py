"""The editorial state machine, edits, guards, scheduling, audit and notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from prism.conf import prism_settings
from prism.models import AuditEvent, Briefing, BriefingItem, BriefingRevision
from prism.services import workflow
from prism.services.workflow import (
    CommentRequired,
    EditConflict,
    IllegalTransition,
    PublishGuardError,
    WorkflowPermissionDenied,
)
from prism.services.workflow.publishing import _publish_scheduled_one

S = Briefing.Status


def actions(briefing: Briefing) -> list[str]:
    return list(
        AuditEvent.objects.filter(briefing=briefing)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def summary_edit(rank: int, text: str) -> dict:
    return {"items": [{"rank": rank, "summary": text}]}


def test_draft_to_published_with_audit_and_bound_live_revision(
    generated, editor, chief, django_capture_on_commit_callbacks
):
    briefing = generated()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.briefing_save_edit(
            briefing=briefing,
            user=editor,
            data=summary_edit(1, "편집자가 고친 요약이다. 두 문장이다. 세 문장이다."),
            base_version=1,
        )
        workflow.briefing_submit_for_review(briefing=briefing, user=editor)
        workflow.briefing_approve(briefing=briefing, user=chief, comment="좋습니다")
        workflow.briefing_publish(briefing=briefing, user=chief)

    briefing.refresh_from_db()
    assert briefing.status == S.PUBLISHED
    assert briefing.version == 2
    assert briefing.human_edited
    assert briefing.approved_version == 2
    assert briefing.published_at is not None
    live = briefing.live_revision
    assert live.number == 2
    assert live.kind == BriefingRevision.Kind.EDITED
    assert live.author == editor
    assert live.content["items"][0]["summary"].startswith("편집자가 고친 요약")
    assert actions(briefing) == ["edited", "submitted", "approved", "published"]
    published = AuditEvent.objects.get(briefing=briefing, action="published")
    assert published.actor == chief
    assert published.revision == live
    assert published.data["from"] == S.APPROVED
    assert published.data["edit_metrics"]["summaries"] > 0
    assert published.data["edit_metrics"]["lead"] == 0


@pytest.mark.parametrize(
    ("status", "call", "kwargs"),
    [
        (S.DRAFT, workflow.briefing_publish, {}),
        (S.DRAFT, workflow.briefing_approve, {}),
        (S.IN_REVIEW, workflow.briefing_publish, {}),
        (S.PUBLISHED, workflow.briefing_submit_for_review, {}),
        (S.PUBLISHED, workflow.briefing_spike, {}),
        (S.DRAFT, workflow.briefing_unpublish, {"comment": "사유"}),
        (S.SPIKED, workflow.briefing_approve, {}),
        (S.APPROVED, workflow.briefing_request_changes, {"comment": "다시"}),
    ],
)
def test_illegal_transitions_raise_a_clear_error(
    generated, chief, status, call, kwargs
):
    briefing = generated(status=status)
    with pytest.raises(IllegalTransition) as error:
        call(briefing=briefing, user=chief, **kwargs)
    assert str(Briefing.Status(status).label) in str(error.value)
    assert "할 수 없습니다" in str(error.value)
    briefing.refresh_from_db()
    assert briefing.status == status
    assert actions(briefing) == []


def test_permissions_are_checked_by_the_services(generated, editor, make_role_user):
    briefing = generated(status=S.IN_REVIEW)
    with pytest.raises(WorkflowPermissionDenied):
        workflow.briefing_approve(briefing=briefing, user=editor)
    subscriber = make_role_user("subscriber")
    with pytest.raises(WorkflowPermissionDenied):
        workflow.briefing_save_edit(
            briefing=briefing, user=subscriber, data={"lead": "x"}, base_version=1
        )
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(WorkflowPermissionDenied):
        workflow.briefing_spike(briefing=briefing, user=AnonymousUser())
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    assert briefing.lead != "x"


def test_request_changes_needs_a_comment_and_mails_it_to_the_submitter(
    generated, editor, chief, django_capture_on_commit_callbacks
):
    briefing = generated()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.briefing_submit_for_review(briefing=briefing, user=editor)
    mail.outbox.clear()
    with pytest.raises(CommentRequired):
        workflow.briefing_request_changes(briefing=briefing, user=chief, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.briefing_request_changes(
            briefing=briefing, user=chief, comment="3번 요약이 사실과 다릅니다."
        )
    briefing.refresh_from_db()
    assert briefing.status == S.DRAFT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [editor.email]
    assert "수정 요청" in message.subject
    assert "3번 요약이 사실과 다릅니다." in message.body
    event = AuditEvent.objects.get(briefing=briefing, action="changes_requested")
    assert event.comment == "3번 요약이 사실과 다릅니다."
    assert event.actor == chief


def test_two_editors_saving_the_same_version_second_gets_the_conflict(
    generated, make_role_user
):
    first, second = make_role_user("editor"), make_role_user("editor")
    briefing = generated()
    base = briefing.version
    # Both opened the form at the same version.
    copy_a = Briefing.objects.get(pk=briefing.pk)
    copy_b = Briefing.objects.get(pk=briefing.pk)
    workflow.briefing_save_edit(
        briefing=copy_a,
        user=first,
        data={"lead": "첫 편집자의 리드."},
        base_version=base,
    )
    with pytest.raises(EditConflict) as error:
        workflow.briefing_save_edit(
            briefing=copy_b,
            user=second,
            data={"lead": "두 번째 편집자의 리드."},
            base_version=base,
        )
    assert error.value.current_version == base + 1
    assert "다른 사람이 먼저 저장했습니다" in str(error.value)
    briefing.refresh_from_db()
    assert briefing.lead == "첫 편집자의 리드."
    assert briefing.version == base + 1
    assert briefing.revisions.count() == 2
    assert actions(briefing) == ["edited"]


def test_edit_without_changes_makes_no_revision(generated, editor):
    briefing = generated()
    workflow.briefing_save_edit(
        briefing=briefing, user=editor, data={"lead": briefing.lead}, base_version=1
    )
    briefing.refresh_from_db()
    assert briefing.version == 1
    assert not briefing.human_edited
    assert actions(briefing) == []


def test_approval_is_invalidated_by_an_edit(generated, editor, chief):
    briefing = generated(status=S.IN_REVIEW)
    workflow.briefing_approve(briefing=briefing, user=chief)
    assert briefing.approved_version == 1
    workflow.briefing_save_edit(
        briefing=briefing,
        user=editor,
        data=summary_edit(2, "승인 뒤에 몰래 바꾼 요약이다. 둘. 셋."),
        base_version=1,
    )
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    assert briefing.approved_version == 1
    assert briefing.version == 2
    with pytest.raises(IllegalTransition):
        workflow.briefing_publish(briefing=briefing, user=chief)
    assert actions(briefing)[-2:] == ["edited", "approval_reset"]
    # Approving again binds the approval to the edited version.
    workflow.briefing_approve(briefing=briefing, user=chief)
    workflow.briefing_publish(briefing=briefing, user=chief)
    assert briefing.live_revision.number == 2


def test_scheduled_edit_is_unscheduled_and_back_in_review(generated, editor, chief):
    briefing = generated(status=S.IN_REVIEW)
    workflow.briefing_approve(briefing=briefing, user=chief)
    workflow.briefing_schedule(
        briefing=briefing,
        user=chief,
        publish_at=timezone.now() + dt.timedelta(hours=1),
    )
    workflow.briefing_save_edit(
        briefing=briefing, user=editor, data={"lead": "예약 후 수정."}, base_version=1
    )
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    assert briefing.publish_at is None
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert workflow.publish_due_briefings(now=tomorrow) == []


def test_edit_keeps_approval_when_the_setting_is_off(
    generated, editor, chief, settings
):
    settings.PRISM = {**settings.PRISM, "EDIT_RESETS_APPROVAL": False}
    briefing = generated(status=S.IN_REVIEW)
    workflow.briefing_approve(briefing=briefing, user=chief)
    workflow.briefing_save_edit(
        briefing=briefing, user=editor, data={"lead": "바뀐 리드."}, base_version=1
    )
    briefing.refresh_from_db()
    assert briefing.status == S.APPROVED
    assert briefing.approved_version == 2
    workflow.briefing_publish(briefing=briefing, user=chief)
    assert briefing.status == S.PUBLISHED


def _drop_item(b):
    b.items.get(rank=6).delete()


def _empty_summary(b):
    BriefingItem.objects.filter(briefing=b, rank=3).update(summary="  ")


def _drop_section(b):
    b.sections.get(position=3).delete()


def _empty_heading(b):
    b.sections.filter(position=2).update(heading="")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda b: setattr(b, "footer", ""), ["저작권 문구가 없습니다."]),
        (
            lambda b: setattr(b, "footer", "< 저작권자 ⓒ 다른신문, 무단 전재 금지 >"),
            ["저작권 문구가 설정된 문구와 다릅니다(필요: ‘{footer}’)."],
        ),
        (_drop_item, ["기사가 5개입니다(필요: 6개)."]),
        (_empty_summary, ["3번 기사의 핵심 요약이 비어 있습니다."]),
        (_drop_section, ["주제 섹션이 2개입니다(필요: 3개)."]),
        (_empty_heading, ["2번째 주제 섹션의 제목이 비어 있습니다."]),
        (
            lambda b: setattr(b, "keywords", ["금리", "수출", "투자", "배터리"]),
            ["키워드가 4개입니다(필요: 5개)."],
        ),
        (lambda b: setattr(b, "editors_note", ""), ["편집자 주가 없습니다."]),
    ],
)
def test_publish_guards_list_exactly_what_is_missing(
    generated, chief, mutate, expected
):
    briefing = generated(status=S.APPROVED, approved_version=1)
    assert workflow.publish_problems(briefing) == []
    mutate(briefing)
    briefing.save()
    expected = [e.format(footer=prism_settings.footer) for e in expected]
    assert workflow.publish_problems(briefing) == expected
    with pytest.raises(PublishGuardError) as error:
        workflow.briefing_publish(briefing=briefing, user=chief)
    assert error.value.problems == expected
    with pytest.raises(PublishGuardError):
        workflow.briefing_schedule(
            briefing=briefing,
            user=chief,
            publish_at=timezone.now() + dt.timedelta(hours=1),
        )
    briefing.refresh_from_db()
    assert briefing.status == S.APPROVED
    assert "published" not in actions(briefing)


def test_publish_guard_lists_several_problems_at_once(generated):
    briefing = generated(footer="", editors_note="", keywords=[])
    assert workflow.publish_problems(briefing) == [
        "저작권 문구가 없습니다.",
        "키워드가 0개입니다(필요: 5개).",
        "편집자 주가 없습니다.",
    ]


def test_scheduled_publishing_run_twice_publishes_once(
    generated, chief, django_capture_on_commit_callbacks
):
    briefing = generated(status=S.IN_REVIEW)
    workflow.briefing_approve(briefing=briefing, user=chief)
    publish_at = timezone.now() + dt.timedelta(minutes=30)
    workflow.briefing_schedule(briefing=briefing, user=chief, publish_at=publish_at)
    assert briefing.status == S.SCHEDULED
    assert workflow.publish_due_briefings(now=timezone.now()) == []
    later = publish_at + dt.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = workflow.publish_due_briefings(now=later)
        second = workflow.publish_due_briefings(now=later)
    assert first == [briefing.pk]
    assert second == []
    # A worker that read the briefing as due before the first run committed.
    assert _publish_scheduled_one(briefing.pk, later) is False
    briefing.refresh_from_db()
    assert briefing.status == S.PUBLISHED
    assert actions(briefing).count("published") == 1
    event = AuditEvent.objects.get(briefing=briefing, action="published")
    assert event.actor is None
    assert event.data["via"] == "schedule"


def test_publish_scheduled_command_is_idempotent(generated, chief):
    briefing = generated(status=S.IN_REVIEW)
    workflow.briefing_approve(briefing=briefing, user=chief)
    workflow.briefing_schedule(
        briefing=briefing, user=chief, publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    Briefing.objects.filter(pk=briefing.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    from io import StringIO

    out = StringIO()
    call_command("prism_publish_scheduled", stdout=out)
    call_command("prism_publish_scheduled", stdout=out)
    briefing.refresh_from_db()
    assert briefing.status == S.PUBLISHED
    assert actions(briefing).count("published") == 1
    assert "1개" in out.getvalue()
    assert "0개" in out.getvalue()


def test_scheduled_briefing_that_fails_its_guards_goes_back_to_approved(
    generated, chief, django_capture_on_commit_callbacks
):
    briefing = generated(status=S.IN_REVIEW)
    workflow.briefing_approve(briefing=briefing, user=chief)
    workflow.briefing_schedule(
        briefing=briefing, user=chief, publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    # Settings changed after scheduling: the footer no longer matches the publisher.
    Briefing.objects.filter(pk=briefing.pk).update(footer="옛 문구")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            workflow.publish_due_briefings(now=timezone.now() + dt.timedelta(hours=2))
            == []
        )
    briefing.refresh_from_db()
    assert briefing.status == S.APPROVED
    assert briefing.publish_at is None
    failed = AuditEvent.objects.get(briefing=briefing, action="schedule_failed")
    assert "저작권 문구" in failed.comment
    assert any("예약 발행 실패" in m.subject for m in mail.outbox)


def test_schedule_needs_a_future_time(generated, chief):
    briefing = generated(status=S.APPROVED, approved_version=1)
    with pytest.raises(workflow.WorkflowError, match="현재보다 뒤"):
        workflow.briefing_schedule(
            briefing=briefing,
            user=chief,
            publish_at=timezone.now() - dt.timedelta(minutes=1),
        )
    workflow.briefing_schedule(
        briefing=briefing, user=chief, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    workflow.briefing_unschedule(briefing=briefing, user=chief)
    assert briefing.status == S.APPROVED
    assert briefing.publish_at is None


def test_unpublish_needs_a_reason_and_reopen_starts_over(generated, chief):
    briefing = generated(status=S.APPROVED, approved_version=1)
    workflow.briefing_publish(briefing=briefing, user=chief)
    with pytest.raises(CommentRequired):
        workflow.briefing_unpublish(briefing=briefing, user=chief, comment="")
    workflow.briefing_unpublish(
        briefing=briefing, user=chief, comment="오보 확인으로 발행 취소"
    )
    assert briefing.status == S.UNPUBLISHED
    assert not Briefing.objects.published().filter(pk=briefing.pk).exists()
    workflow.briefing_reopen(briefing=briefing, user=chief)
    assert briefing.status == S.DRAFT
    assert briefing.approved_version is None
    assert actions(briefing) == ["published", "unpublished", "reopened"]


def test_correction_publishes_a_new_revision_with_a_public_note(
    generated, editor, chief
):
    briefing = generated(status=S.APPROVED, approved_version=1)
    workflow.briefing_publish(briefing=briefing, user=chief)
    first_live = briefing.live_revision
    data = summary_edit(4, "정정한 요약이다. 수치를 바로잡았다. 끝이다.")
    with pytest.raises(WorkflowPermissionDenied):
        workflow.briefing_correct(
            briefing=briefing,
            user=editor,
            data=data,
            base_version=1,
            correction_note="정정",
        )
    with pytest.raises(CommentRequired):
        workflow.briefing_correct(
            briefing=briefing, user=chief, data=data, base_version=1, correction_note=""
        )
    with pytest.raises(IllegalTransition):
        workflow.briefing_save_edit(
            briefing=briefing, user=chief, data=data, base_version=1
        )
    workflow.briefing_correct(
        briefing=briefing,
        user=chief,
        data=data,
        base_version=1,
        correction_note="4번 기사 수치를 바로잡았습니다.",
    )
    briefing.refresh_from_db()
    assert briefing.status == S.PUBLISHED
    assert briefing.version == 2
    assert briefing.correction_note == "4번 기사 수치를 바로잡았습니다."
    assert briefing.live_revision != first_live
    assert briefing.live_revision.kind == BriefingRevision.Kind.CORRECTED
    assert briefing.items.get(rank=4).summary.startswith("정정한 요약")
    event = AuditEvent.objects.get(briefing=briefing, action="corrected")
    assert event.comment == "4번 기사 수치를 바로잡았습니다."
    assert "item4.summary" in event.data["parts"]


def test_spike_and_restore(generated, make_briefing, reader_type, chief):
    briefing = generated()
    workflow.briefing_spike(briefing=briefing, user=chief, comment="중복 생성분")
    assert briefing.status == S.SPIKED
    assert briefing.audit_events.filter(action="spiked").exists()
    workflow.briefing_restore(briefing=briefing, user=chief)
    assert briefing.status == S.DRAFT
    workflow.briefing_spike(briefing=briefing, user=chief)
    # Meanwhile a new draft took the reader type and date: no silent duplicate.
    make_briefing()
    with pytest.raises(IllegalTransition, match="다른 브리핑"):
        workflow.briefing_restore(briefing=briefing, user=chief)
    briefing.refresh_from_db()
    assert briefing.status == S.SPIKED


def test_restore_an_old_revision_as_a_new_revision(generated, editor):
    briefing = generated()
    original_lead = briefing.lead
    workflow.briefing_save_edit(
        briefing=briefing, user=editor, data={"lead": "고친 리드."}, base_version=1
    )
    with pytest.raises(EditConflict):
        workflow.revision_restore(
            briefing=briefing, user=editor, number=1, base_version=1
        )
    revision = workflow.revision_restore(
        briefing=briefing, user=editor, number=1, base_version=2
    )
    briefing.refresh_from_db()
    assert revision.number == 3
    assert revision.kind == BriefingRevision.Kind.RESTORED
    assert briefing.version == 3
    assert briefing.lead == original_lead
    assert [r.number for r in briefing.revisions.order_by("number")] == [1, 2, 3]
    assert briefing.revisions.get(number=2).content["lead"] == "고친 리드."
    assert actions(briefing) == ["edited", "revision_restored"]


def test_every_action_writes_an_audit_row(generated, editor, chief):
    briefing = generated()
    workflow.briefing_save_edit(
        briefing=briefing, user=editor, data={"headline": "새 제목"}, base_version=1
    )
    workflow.briefing_submit_for_review(briefing=briefing, user=editor)
    workflow.briefing_request_changes(briefing=briefing, user=chief, comment="더")
    workflow.briefing_submit_for_review(briefing=briefing, user=editor)
    workflow.briefing_approve(briefing=briefing, user=chief)
    workflow.briefing_schedule(
        briefing=briefing, user=chief, publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    workflow.briefing_unschedule(briefing=briefing, user=chief)
    workflow.briefing_publish(briefing=briefing, user=chief)
    workflow.briefing_correct(
        briefing=briefing,
        user=chief,
        data={"lead": "정정 리드."},
        base_version=2,
        correction_note="리드 정정",
    )
    workflow.briefing_unpublish(briefing=briefing, user=chief, comment="철회")
    workflow.briefing_reopen(briefing=briefing, user=chief)
    workflow.briefing_spike(briefing=briefing, user=chief)
    workflow.briefing_restore(briefing=briefing, user=chief)
    assert actions(briefing) == [
        "edited",
        "submitted",
        "changes_requested",
        "submitted",
        "approved",
        "scheduled",
        "unscheduled",
        "published",
        "corrected",
        "unpublished",
        "reopened",
        "spiked",
        "restored",
    ]
    events = AuditEvent.objects.filter(briefing=briefing)
    assert all(e.revision is not None for e in events)
    assert {e.actor for e in events} == {editor, chief}


def test_notifications_go_to_the_right_people(
    generated, make_role_user, django_capture_on_commit_callbacks
):
    editor = make_role_user("editor")
    chief_a = make_role_user("chief_editor")
    chief_b = make_role_user("chief_editor")
    opted_out = make_role_user("chief_editor")
    opted_out.subscriber.editorial_notifications = False
    opted_out.subscriber.save()
    make_role_user("editor")  # another editor hears nothing about this briefing
    briefing = generated()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.briefing_submit_for_review(
            briefing=briefing, user=editor, comment="확인 부탁드립니다"
        )
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([chief_a.email, chief_b.email])
    assert "검토 요청" in mail.outbox[0].subject
    assert str(briefing) in mail.outbox[0].subject
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.briefing_approve(briefing=briefing, user=chief_a, comment="승인")
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "승인됨" in mail.outbox[0].subject
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.briefing_publish(briefing=briefing, user=chief_b)
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "발행됨" in mail.outbox[0].subject
    mail.outbox.clear()

    # The submitter who opted out hears nothing.
    editor.subscriber.editorial_notifications = False
    editor.subscriber.save()
    other = generated(edition_date=timezone.localdate() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.briefing_submit_for_review(briefing=other, user=editor)
        workflow.briefing_request_changes(briefing=other, user=chief_a, comment="다시")
    assert [m.subject for m in mail.outbox if "수정 요청" in m.subject] == []


def test_notifications_wait_for_the_commit(generated, editor, make_role_user):
    make_role_user("chief_editor")
    briefing = generated()
    workflow.briefing_submit_for_review(briefing=briefing, user=editor)
    # Without the commit (the test transaction never commits), nothing is sent.
    assert mail.outbox == []


def test_untouched_means_draft_without_human_edit(generated, editor, chief):
    briefing = generated()
    assert workflow.briefing_is_untouched(briefing)
    workflow.briefing_save_edit(
        briefing=briefing, user=editor, data={"lead": "사람 손."}, base_version=1
    )
    assert not workflow.briefing_is_untouched(briefing)
    fresh = generated(edition_date=timezone.localdate() - dt.timedelta(days=1))
    workflow.briefing_submit_for_review(briefing=fresh, user=chief)
    assert not workflow.briefing_is_untouched(fresh)


def test_available_transitions_per_role(generated, editor, chief):
    briefing = generated()
    assert [t.action for t in workflow.available_transitions(briefing, editor)] == [
        "submit"
    ]
    assert [t.action for t in workflow.available_transitions(briefing, chief)] == [
        "submit",
        "spike",
    ]
    briefing.status = S.IN_REVIEW
    assert workflow.available_transitions(briefing, editor) == []
    assert [t.action for t in workflow.available_transitions(briefing, chief)] == [
        "request_changes",
        "approve",
        "spike",
    ]


def test_publish_task_publishes_what_is_due(generated, chief):
    from prism.tasks import publish_scheduled_briefings

    briefing = generated(status=S.IN_REVIEW)
    workflow.briefing_approve(briefing=briefing, user=chief)
    workflow.briefing_schedule(
        briefing=briefing, user=chief, publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert publish_scheduled_briefings() == 0
    Briefing.objects.filter(pk=briefing.pk).update(
        publish_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert publish_scheduled_briefings() == 1
    assert publish_scheduled_briefings() == 0
    briefing.refresh_from_db()
    assert briefing.status == S.PUBLISHED


def test_browser_line_endings_are_not_an_edit(generated, editor):
    briefing = generated(lead="첫 문단이다.\n\n둘째 문단이다.")
    workflow.briefing_save_edit(
        briefing=briefing,
        user=editor,
        data={"lead": "첫 문단이다.\r\n\r\n둘째 문단이다."},
        base_version=1,
    )
    briefing.refresh_from_db()
    assert briefing.version == 1
    assert briefing.lead == "첫 문단이다.\n\n둘째 문단이다."


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_publish_once(make_briefing):
    import threading

    from django.db import connection, connections

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "needs a file or server database (shared-cache in-memory SQLite has no "
            "busy timeout); runs under `make test-postgres` or PRISM_SQLITE_TEST_PATH"
        )
    briefing = make_briefing(
        status=S.SCHEDULED,
        approved_version=1,
        publish_at=timezone.now() - dt.timedelta(seconds=5),
    )
    barrier = threading.Barrier(2)
    results: list[list[int]] = []
    errors: list[Exception] = []

    def scheduler() -> None:
        try:
            barrier.wait()
            results.append(workflow.publish_due_briefings())
        except Exception as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [[], [briefing.pk]]
    assert AuditEvent.objects.filter(briefing=briefing, action="published").count() == 1


def test_publishing_queues_the_digest_after_commit(
    generated, chief, django_capture_on_commit_callbacks, task_queue
):
    briefing = generated(status=S.APPROVED, approved_version=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.briefing_publish(briefing=briefing, user=chief)
    assert task_queue() == []  # nothing is queued before the commit
    for callback in callbacks:
        callback()
    queued = task_queue()
    assert [(t["func"], t["args"]) for t in queued] == [
        ("prism.tasks.send_briefing_digest", (briefing.pk,))
    ]


def test_a_decision_on_an_outdated_version_is_refused(generated, editor, chief):
    briefing = generated(status=S.IN_REVIEW)
    seen = briefing.version
    workflow.briefing_save_edit(
        briefing=Briefing.objects.get(pk=briefing.pk),
        user=editor,
        data={"lead": "검토 중에 바뀐 리드."},
        base_version=seen,
    )
    with pytest.raises(EditConflict, match="다시 결정하세요"):
        workflow.briefing_approve(briefing=briefing, user=chief, expected_version=seen)
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    assert briefing.approved_version is None
    workflow.briefing_approve(
        briefing=briefing, user=chief, expected_version=briefing.version
    )
    assert briefing.approved_version == seen + 1


def test_public_page_follows_publish_and_unpublish(client, generated, chief):
    briefing = generated(status=S.APPROVED, approved_version=1)
    assert client.get(briefing.get_absolute_url()).status_code == 404
    workflow.briefing_publish(briefing=briefing, user=chief)
    assert client.get(briefing.get_absolute_url()).status_code == 200
    assert client.get(briefing.get_absolute_url()).status_code == 200  # cached
    workflow.briefing_unpublish(briefing=briefing, user=chief, comment="철회")
    assert client.get(briefing.get_absolute_url()).status_code == 404
