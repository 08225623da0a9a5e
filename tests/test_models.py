"""Model constraints and derived properties a newsroom relies on."""

import pytest
from django.db import IntegrityError, transaction

from prism.models import Article, Briefing, ReaderType


def test_default_reader_types_are_created_by_migration(db):
    names = set(ReaderType.objects.values_list("name", flat=True))
    for expected in [
        "CEO",
        "스타트업 창업자",
        "직장인",
        "신입 직장인",
        "대학생·취업준비생",
        "개인 투자자",
        "자영업자·소상공인",
        "공무원·정책 담당자",
    ]:
        assert expected in names
    for reader_type in ReaderType.objects.all():
        assert reader_type.interests, f"{reader_type} has no interest keywords"
        assert reader_type.description


def test_editorial_groups_have_their_permissions(db):
    from django.contrib.auth.models import Group

    editors = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    chiefs = set(
        Group.objects.get(name="Chief editors").permissions.values_list(
            "codename", flat=True
        )
    )
    assert "submit_briefing" in editors
    assert "publish_briefing" not in editors
    assert {"approve_briefing", "publish_briefing", "spike_briefing"} <= chiefs
    assert editors <= chiefs


def test_article_url_unique_only_when_present(make_article):
    make_article(url="")
    make_article(url="")
    make_article(url="https://news.example.com/1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(url="https://news.example.com/1")


def test_article_content_hash_is_unique(make_article):
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            headline="복제",
            body_raw="x",
            body="x",
            content_hash=article.content_hash,
        )


def test_one_live_briefing_per_reader_type_and_date(make_briefing):
    first = make_briefing()
    with pytest.raises(IntegrityError), transaction.atomic():
        Briefing.objects.create(
            reader_type=first.reader_type, edition_date=first.edition_date
        )
    # A spiked briefing does not count as live: a new draft may replace it.
    first.status = Briefing.Status.SPIKED
    first.save()
    Briefing.objects.create(
        reader_type=first.reader_type, edition_date=first.edition_date
    )


def test_published_queryset_hides_every_other_state(make_briefing, reader_type):
    import datetime as dt

    for offset, status in enumerate(Briefing.Status.values):
        make_briefing(status=status, edition_date=dt.date(2026, 1, 1 + offset))
    published = Briefing.objects.published()
    assert list(published.values_list("status", flat=True)) == ["published"]


def test_keyword_line_appends_brand_tags(make_briefing, settings):
    settings.PRISM = {**settings.PRISM, "BRAND_TAGS": ["AI PRISM", "AI 프리즘"]}
    briefing = make_briefing()
    assert (
        briefing.keyword_line
        == "AI 반도체, 금리, 수출, 투자, 배터리, AI PRISM, AI 프리즘"
    )
