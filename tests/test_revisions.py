"""Revisions: snapshots, numbering, restore, rendering a revision, and the generator's
use of them (regeneration never overwrites a person's edit)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from prism.conf import prism_settings
from prism.models import AuditEvent, Briefing, BriefingRevision
from prism.services import workflow
from prism.services.revisions import (
    briefing_snapshot,
    revision_create,
    revision_original,
    snapshot_apply,
    snapshot_as_briefing,
)

S = Briefing.Status


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_snapshot_holds_every_editable_part(make_briefing, make_article):
    briefing = make_briefing(correction_note="")
    item = briefing.items.get(rank=2)
    related = make_article()
    item.related_articles.set([related])
    item.selection_reason = {"score": 0.5}
    item.summary_sentences = [{"text": "문장.", "start": 0, "end": 3}]
    item.save()
    content = briefing_snapshot(briefing)
    assert content["headline"] == briefing.headline
    assert content["keywords"] == briefing.keywords
    assert content["footer"] == prism_settings.footer
    assert [s["position"] for s in content["sections"]] == [1, 2, 3]
    assert [i["rank"] for i in content["items"]] == [1, 2, 3, 4, 5, 6]
    second = content["items"][1]
    assert second["related_article_ids"] == [related.pk]
    assert second["selection_reason"] == {"score": 0.5}
    assert second["summary_sentences"] == [{"text": "문장.", "start": 0, "end": 3}]
    assert second["article_id"] == item.article_id


def test_revision_number_is_the_briefing_version(make_briefing, make_role_user):
    briefing = make_briefing()
    first = revision_create(
        briefing=briefing, kind="generated", provenance={"run_id": 3}
    )
    assert (first.number, first.author, first.provenance) == (1, None, {"run_id": 3})
    editor = make_role_user("editor")
    workflow.briefing_save_edit(
        briefing=briefing, user=editor, data={"lead": "새 리드."}, base_version=1
    )
    assert list(briefing.revisions.values_list("number", "kind")) == [
        (2, "edited"),
        (1, "generated"),
    ]
    assert revision_original(briefing) == first
    with pytest.raises(ValueError, match="리비전 종류"):
        revision_create(briefing=briefing, kind="made-up")


def test_snapshot_apply_restores_exactly(make_briefing, make_article):
    briefing = make_briefing()
    briefing.items.get(rank=1).related_articles.set([make_article()])
    before = briefing_snapshot(briefing)
    briefing.lead = "바뀐 리드"
    briefing.keywords = ["하나"]
    briefing.save()
    briefing.sections.filter(position=1).update(heading="바뀐 주제")
    briefing.items.filter(rank=6).delete()
    snapshot_apply(briefing=briefing, content=before)
    briefing.refresh_from_db()
    assert briefing_snapshot(briefing) == before


def test_a_revision_renders_like_the_briefing_itself(make_briefing, make_article):
    briefing = make_briefing()
    briefing.items.get(rank=4).related_articles.set(
        [make_article(url="https://example.com/related")]
    )
    revision = revision_create(briefing=briefing, kind="generated")
    real = Briefing.objects.with_content().get(pk=briefing.pk)
    template = "prism/includes/briefing_body.html"
    expected = render_to_string(template, {"briefing": real})
    shown = snapshot_as_briefing(briefing, revision.content)
    assert render_to_string(template, {"briefing": shown}) == expected
    assert "https://example.com/related" in expected


def test_rendering_a_revision_writes_nothing(make_briefing, django_assert_num_queries):
    briefing = make_briefing()
    revision = revision_create(briefing=briefing, kind="generated")
    with django_assert_num_queries(1):  # the articles, in one query
        snapshot_as_briefing(briefing, revision.content)


# --- the generator and people's edits ---------------------------------------------


@pytest.fixture
def composition(make_article):
    from prism.services.composition import ComposedItem, ComposedSection, Composition

    def factory(lead: str) -> Composition:
        items = []
        for rank in range(1, 7):
            article = make_article()
            items.append(
                ComposedItem(
                    rank=rank,
                    group="interest" if rank <= 3 else "reference",
                    article=article,
                    headline=article.headline,
                    summary=f"{rank}번 AI 요약이다. 둘째 문장이다. 셋째 문장이다.",
                    summary_sentences=[],
                    related_articles=[],
                    selection_reason={"score": 1.0 / rank},
                )
            )
        return Composition(
            headline="AI가 만든 제목",
            header_line=prism_settings.HEADER_LINE,
            editors_note=prism_settings.EDITORS_NOTE,
            lead=lead,
            sections=[
                ComposedSection(position=p, heading=f"주제 {p}", body=f"본문 {p}.")
                for p in range(1, 4)
            ],
            items=items,
            keywords=["금리", "수출", "투자", "환율", "반도체"],
            footer=prism_settings.footer,
            summarizers=[{"backend": "extractive", "model": "", "version": "1"}],
        )

    return factory


def test_regeneration_replaces_untouched_drafts_only(
    reader_type, composition, make_role_user
):
    pytest.importorskip("prism.services.generation")
    from django.utils import timezone

    from prism.services.generation import briefing_write

    today = timezone.localdate()
    first = briefing_write(
        reader_type=reader_type, edition_date=today, composition=composition("첫 AI")
    )
    briefing = first.briefing
    revision = briefing.revisions.get()
    assert revision.kind == BriefingRevision.Kind.GENERATED
    assert revision.author is None
    assert revision.provenance["summarizer"]["backend"] == "extractive"
    assert AuditEvent.objects.filter(briefing=briefing, action="generated").exists()

    # An untouched draft is replaced, as a new version: a form opened on the old
    # draft can no longer be saved over the new one.
    second = briefing_write(
        reader_type=reader_type, edition_date=today, composition=composition("둘째 AI")
    )
    assert second.briefing.pk == briefing.pk
    briefing.refresh_from_db()
    assert briefing.lead == "둘째 AI"
    editor = make_role_user("editor")
    with pytest.raises(workflow.EditConflict):
        workflow.briefing_save_edit(
            briefing=briefing, user=editor, data={"lead": "옛 폼"}, base_version=1
        )

    workflow.briefing_save_edit(
        briefing=briefing,
        user=editor,
        data={"lead": "편집자가 고친 리드."},
        base_version=briefing.version,
    )
    edited_version = briefing.version
    third = briefing_write(
        reader_type=reader_type, edition_date=today, composition=composition("셋째 AI")
    )
    assert third.status == "skipped"
    briefing.refresh_from_db()
    assert briefing.lead == "편집자가 고친 리드."
    assert briefing.version == edited_version
    assert AuditEvent.objects.filter(
        briefing=briefing, action="generation_skipped"
    ).exists()
    # The AI original for diffs and metrics is the latest generated revision.
    assert revision_original(briefing).content["lead"] == "둘째 AI"
