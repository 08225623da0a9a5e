"""Generation: drafts, safe regeneration, run accounting, tasks, schedules, commands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from prism import tasks
from prism.conf import prism_settings
from prism.models import (
    Article,
    ArticleSummary,
    AuditEvent,
    Briefing,
    BriefingRevision,
    GenerationRun,
    ReaderType,
)
from prism.services.articles import after_import
from prism.services.generation import (
    briefing_generate,
    generation_attempt_begin,
    generation_run_create,
    generation_run_execute,
)
from prism.services.revisions import briefing_snapshot


def ceo() -> ReaderType:
    return ReaderType.objects.get(slug="ceo")


def generate(edition: dt.date, slug: str = "ceo"):
    return briefing_generate(
        reader_type=ReaderType.objects.get(slug=slug), edition_date=edition
    )


def test_generating_writes_a_draft_with_revision_and_audit(sample_edition):
    outcome = generate(sample_edition.edition_date)
    briefing = outcome.briefing
    assert outcome.status == "created"
    assert briefing.status == Briefing.Status.DRAFT
    assert briefing.version == 1 and not briefing.human_edited
    assert briefing.items.count() == 6 and briefing.sections.count() == 3
    revision = briefing.revisions.get()
    assert revision.kind == BriefingRevision.Kind.GENERATED
    assert revision.author is None and revision.number == 1
    assert revision.provenance["summarizer"]["backend"] == "extractive"
    assert revision.content["items"][0]["headline"] == briefing.items.first().headline
    event = briefing.audit_events.get(action="generated")
    assert event.actor is None and event.revision == revision
    # Every selected article now has its stored 핵심 요약.
    for item in briefing.items.all():
        assert ArticleSummary.objects.filter(article=item.article).exists()


def test_regeneration_replaces_an_untouched_draft_in_place(sample_edition):
    first = generate(sample_edition.edition_date).briefing
    Briefing.objects.filter(pk=first.pk).update(lead="오래된 리드")
    again = generate(sample_edition.edition_date)
    assert again.status == "replaced"
    assert again.briefing.pk == first.pk
    briefing = Briefing.objects.get(pk=first.pk)
    assert briefing.version == 2 and briefing.lead != "오래된 리드"
    assert briefing.items.count() == 6
    assert list(briefing.revisions.values_list("number", "kind")) == [
        (2, "generated"),
        (1, "generated"),
    ]
    assert Briefing.objects.live().filter(reader_type=ceo()).count() == 1


@pytest.mark.parametrize(
    ("status", "human_edited"),
    [
        ("draft", True),
        ("in_review", False),
        ("approved", False),
        ("scheduled", False),
        ("published", False),
        ("unpublished", False),
    ],
)
def test_regeneration_never_changes_a_briefing_a_person_touched(
    sample_edition, make_briefing, status, human_edited
):
    briefing = make_briefing(
        status=status,
        human_edited=human_edited,
        edition_date=sample_edition.edition_date,
    )
    before = briefing_snapshot(briefing)
    outcome = generate(sample_edition.edition_date)
    assert outcome.status == "skipped"
    assert outcome.briefing.pk == briefing.pk
    assert "다시 만들지 않았습니다" in outcome.reason
    briefing.refresh_from_db()
    assert briefing_snapshot(briefing) == before
    assert briefing.status == status and briefing.version == 1
    assert not briefing.revisions.exists()
    assert AuditEvent.objects.filter(
        briefing=briefing, action="generation_skipped"
    ).exists()


def test_a_spiked_edition_does_not_block_a_new_draft(sample_edition, make_briefing):
    spiked = make_briefing(status="spiked", edition_date=sample_edition.edition_date)
    outcome = generate(sample_edition.edition_date)
    assert outcome.status == "created" and outcome.briefing.pk != spiked.pk
    assert Briefing.objects.filter(reader_type=ceo()).count() == 2


def test_run_generates_every_reader_type_and_records_progress(sample_edition):
    reader_types = ReaderType.objects.filter(slug__in=["ceo", "retail-investor"])
    run = generation_run_create(
        edition_date=sample_edition.edition_date, reader_types=reader_types
    )
    assert run.status == GenerationRun.Status.QUEUED
    run = generation_run_execute(run)
    assert run.status == GenerationRun.Status.SUCCEEDED
    assert run.started_at and run.finished_at and run.attempts == 1
    assert set(run.progress) == {"ceo", "retail-investor"}
    for entry in run.progress.values():
        assert entry["status"] == "succeeded" and entry["attempts"] == 1
        assert entry["seconds"] is not None and not entry["error"]
        briefing = Briefing.objects.get(pk=entry["briefing_id"])
        assert briefing.generation_run_id == run.pk
        revision = briefing.revisions.get()
        assert revision.provenance["run_id"] == run.pk
    # Running the same run again does nothing: every entry is finished.
    generation_run_execute(run)
    assert Briefing.objects.count() == 2


def test_running_generation_twice_leaves_edited_briefings_alone(sample_edition):
    edition = sample_edition.edition_date
    generation_run_execute(generation_run_create(edition_date=edition))
    edited = Briefing.objects.get(reader_type__slug="ceo")
    Briefing.objects.filter(pk=edited.pk).update(
        human_edited=True, lead="편집자가 고친 리드"
    )
    run = generation_run_execute(generation_run_create(edition_date=edition))
    assert run.status == GenerationRun.Status.SUCCEEDED
    assert run.progress["ceo"]["status"] == "skipped"
    assert "사람이 수정한" in run.progress["ceo"]["reason"]
    assert Briefing.objects.get(pk=edited.pk).lead == "편집자가 고친 리드"
    others = [e for slug, e in run.progress.items() if slug != "ceo"]
    assert all(e["status"] == "succeeded" for e in others)
    assert Briefing.objects.live().count() == ReaderType.objects.count()


def test_too_few_articles_make_a_short_draft_that_says_so(make_article, reader_type):
    now = timezone.now()
    for number in range(2):
        make_article(
            headline=f"관세 뉴스 {number}",
            body=(
                f"미국이 {number + 1}번째 품목 관세를 발표했다. 수출기업의 부담이 "
                "커졌다는 분석이 나왔다. 정부는 관세 대응 바우처를 늘리기로 했다. "
                "환율도 함께 올라 기업들의 고민이 깊어졌다. "
            )
            * 3,
            published_at=now - dt.timedelta(hours=1 + number),
        )
    outcome = briefing_generate(
        reader_type=reader_type, edition_date=timezone.localdate(now), now=now
    )
    assert outcome.status == "created"
    briefing = outcome.briefing
    assert briefing.items.count() == 2
    assert "부족" in briefing.generation_notes
    # Each section tells one story: two thin stories leave at most two sections,
    # and the editor is told why.
    assert briefing.sections.count() <= 2
    assert "주제 문단" in briefing.generation_notes
    assert any(f["check"] == "missing_section" for f in briefing.quality_findings)


def test_no_candidates_skip_the_reader_type_with_a_reason(db):
    run = generation_run_create(edition_date=dt.date(2020, 1, 1), reader_types=[ceo()])
    run = generation_run_execute(run)
    assert run.status == GenerationRun.Status.SKIPPED
    assert "후보 기사가 없습니다" in run.progress["ceo"]["reason"]
    assert not Briefing.objects.exists()


def test_a_killed_worker_is_given_up_after_the_configured_attempts(db, settings):
    settings.PRISM = {**settings.PRISM, "GENERATION_MAX_ATTEMPTS": 2}
    run = generation_run_create(edition_date=dt.date(2020, 1, 1), reader_types=[ceo()])
    ids = {"run_id": run.pk, "reader_type_id": ceo().pk}
    # Each delivery whose worker dies leaves only the counted attempt behind.
    assert generation_attempt_begin(**ids) is True
    assert generation_attempt_begin(**ids) is True
    assert generation_attempt_begin(**ids) is False
    run.refresh_from_db()
    assert run.status == GenerationRun.Status.FAILED
    assert run.attempts == 3
    assert run.progress["ceo"]["status"] == "failed"
    assert "2번 시도" in run.error
    assert run.finished_at is not None
    # Later deliveries of the same task do nothing.
    assert generation_attempt_begin(**ids) is False


def test_errors_are_retried_up_to_the_limit_then_recorded(sample_edition, settings):
    from prism.nlp.summarize import clear_summarizers

    settings.PRISM = {
        **settings.PRISM,
        "SUMMARIZER_BACKEND": "prism.no_such_module.Summarizer",
    }
    clear_summarizers()
    run = generation_run_create(
        edition_date=sample_edition.edition_date, reader_types=[ceo()]
    )
    run = generation_run_execute(run)
    clear_summarizers()
    assert run.status == GenerationRun.Status.FAILED
    assert run.progress["ceo"]["attempts"] == int(
        prism_settings.GENERATION_MAX_ATTEMPTS
    )
    assert "SummarizerConfigurationError" in run.error
    assert not Briefing.objects.exists()


def test_generate_briefings_task_enqueues_one_task_per_reader_type(
    sample_edition, django_capture_on_commit_callbacks, task_queue
):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = tasks.generate_briefings(
            sample_edition.edition_date.isoformat(), ["ceo", "job-seeker"]
        )
    run = GenerationRun.objects.get(pk=run_id)
    queued = task_queue()
    generation = [
        t
        for t in queued
        if t["func"] == "prism.tasks.generate_briefing_for_reader_type"
    ]
    assert sorted(t["args"] for t in generation) == sorted(
        [
            (run.pk, ReaderType.objects.get(slug=slug).pk)
            for slug in ["ceo", "job-seeker"]
        ]
    )
    # What the worker then does with one of them:
    reader_type_id = generation[0]["args"][1]
    assert tasks.generate_briefing_for_reader_type(run.pk, reader_type_id) == (
        "succeeded"
    )
    # A second delivery of the same task is a no-op.
    assert tasks.generate_briefing_for_reader_type(run.pk, reader_type_id) == (
        "succeeded"
    )
    run.refresh_from_db()
    entry = next(
        e for e in run.progress.values() if e["reader_type_id"] == reader_type_id
    )
    assert entry["attempts"] == 1
    assert run.status == GenerationRun.Status.RUNNING  # the other one is queued


def test_scheduled_generation_defaults_to_today(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = tasks.generate_briefings()
    run = GenerationRun.objects.get(pk=run_id)
    assert run.edition_date == timezone.localdate()
    assert len(run.progress) == ReaderType.objects.filter(is_active=True).count()


def test_imported_originals_are_summarized_in_background_batches(
    make_article, settings, task_queue
):
    settings.PRISM = {**settings.PRISM, "SUMMARIZE_BATCH_SIZE": 2}
    originals = [make_article() for _ in range(5)]
    copy = make_article(duplicate_of=originals[0])
    after_import([a.pk for a in [*originals, copy]])
    queued = task_queue()
    expected = [
        [originals[0].pk, originals[1].pk],
        [originals[2].pk, originals[3].pk],
        [originals[4].pk],
    ]
    for func in ("prism.tasks.summarize_articles", "prism.tasks.index_articles"):
        assert [t["args"][0] for t in queued if t["func"] == func] == expected
    assert len(queued) == 6


def test_summarize_articles_task_stores_summaries(sample_edition):
    ids = list(Article.objects.originals().values_list("pk", flat=True)[:3])
    assert tasks.summarize_articles(ids) == 3
    assert ArticleSummary.objects.filter(article_id__in=ids).count() == 3


def test_prism_generate_sync_reports_each_reader_type(sample_edition, capsys):
    call_command(
        "prism_generate",
        "--sync",
        "--date",
        sample_edition.edition_date.isoformat(),
        "--reader-type",
        "ceo",
        "--reader-type",
        "household",
    )
    out = capsys.readouterr().out
    assert "CEO: 성공 · 브리핑 #" in out
    assert "주부·가계 관리자: 성공" in out
    assert Briefing.objects.filter(status="draft").count() == 2


def test_prism_generate_enqueues_and_reports_the_run(
    db, capsys, django_capture_on_commit_callbacks, task_queue
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prism_generate", "--date", "2026-11-20", "--reader-type", "ceo")
    run = GenerationRun.objects.get()
    assert f"생성 작업 #{run.pk}" in capsys.readouterr().out
    assert [task["args"] for task in task_queue()] == [(run.pk, ceo().pk)]


def test_prism_generate_refuses_unknown_reader_types(db):
    with pytest.raises(CommandError, match="no-such-type"):
        call_command("prism_generate", "--reader-type", "no-such-type")


def test_admin_lists_runs_and_shows_a_failed_runs_error(admin_client, settings):
    settings.PRISM = {**settings.PRISM, "GENERATION_MAX_ATTEMPTS": 1}
    run = generation_run_create(edition_date=dt.date(2020, 1, 1), reader_types=[ceo()])
    ids = {"run_id": run.pk, "reader_type_id": ceo().pk}
    assert generation_attempt_begin(**ids) is True
    assert generation_attempt_begin(**ids) is False
    changelist = admin_client.get(
        reverse("admin:prism_generationrun_changelist"), {"status__exact": "failed"}
    )
    assert changelist.status_code == 200
    assert "1번 시도했지만" in changelist.content.decode()
    page = admin_client.get(
        reverse("admin:prism_generationrun_change", args=[run.pk])
    ).content.decode()
    assert "CEO" in page and "1번 시도했지만" in page
