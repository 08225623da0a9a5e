"""Composition: the generated briefing has every part of the newspaper's layout."""

from __future__ import annotations

import re

import pytest

from prism.conf import prism_settings
from prism.models import Briefing, ReaderType
from prism.nlp.keywords import STOPWORDS
from prism.nlp.korean import (
    HEADING_MAX_CHARS,
    bare_noun_heading,
    person_names,
    with_particle,
    without_asides,
)
from prism.nlp.sentences import split_sentences
from prism.services.generation import briefing_generate
from prism.services.render import briefing_from_text, briefing_render_text


def sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.fixture
def ceo_briefing(sample_edition) -> Briefing:
    outcome = briefing_generate(
        reader_type=ReaderType.objects.get(slug="ceo"),
        edition_date=sample_edition.edition_date,
    )
    assert outcome.status == "created"
    return Briefing.objects.with_content().get(pk=outcome.briefing.pk)


def test_exported_text_has_every_part_of_the_layout(ceo_briefing):
    text = briefing_render_text(ceo_briefing)
    lines = text.splitlines()
    parsed = briefing_from_text(text)

    assert lines[0] == prism_settings.HEADER_LINE
    assert lines[1] == prism_settings.EDITORS_NOTE
    assert lines[-1] == prism_settings.footer
    assert "" not in lines

    assert 2 <= len(parsed["lead"]) <= 3
    for paragraph in parsed["lead"]:
        assert 2 <= len(sentences(paragraph)) <= 4, paragraph

    assert len(parsed["sections"]) == 3
    for section in parsed["sections"]:
        assert section["heading"] and len(section["heading"]) <= HEADING_MAX_CHARS
        assert 3 <= len(sentences(section["body"])) <= 5, section

    groups = [(g["reader_type"], g["label"]) for g in parsed["groups"]]
    assert groups == [("CEO", "관심 뉴스"), ("CEO", "참고 뉴스")]
    assert [i["rank"] for i in parsed["groups"][0]["items"]] == [1, 2, 3]
    assert [i["rank"] for i in parsed["groups"][1]["items"]] == [4, 5, 6]
    items = {item.rank: item for item in ceo_briefing.items.all()}
    for group in parsed["groups"]:
        for entry in group["items"]:
            item = items[entry["rank"]]
            assert entry["headline"] == item.article.headline
            assert entry["summary"] == without_asides(
                item.article.current_summary().text
            )
            assert entry["related"] == item.related_articles.exists()

    assert len(parsed["keywords"]) == 5
    assert parsed["brand_tags"] == prism_settings.BRAND_TAGS
    assert lines[lines.index("[키워드 TOP 5]") + 1].endswith(
        ", ".join(prism_settings.BRAND_TAGS)
    )
    # The parts come in the published order.
    order = [
        lines.index(f"■ {parsed['sections'][0]['heading']}"),
        lines.index("[CEO 관심 뉴스]"),
        lines.index("[CEO 참고 뉴스]"),
        lines.index("[키워드 TOP 5]"),
        len(lines) - 1,
    ]
    assert order == sorted(order)
    assert lines.index(parsed["lead"][0]) == 2


def test_summaries_follow_the_house_rules(ceo_briefing):
    for item in ceo_briefing.items.all():
        assert 150 <= len(item.summary) <= 320, item.summary
        assert len(sentences(item.summary)) >= 3
        assert "기자" not in item.summary and "@" not in item.summary
        assert item.summary_sentences


def test_sections_add_to_the_summaries_instead_of_repeating_them(ceo_briefing):
    summary_sentences = {
        s for item in ceo_briefing.items.all() for s in sentences(item.summary)
    }
    lead_sentences = set(sentences(ceo_briefing.lead))
    seen: set[str] = set()
    for section in ceo_briefing.sections.all():
        for sentence in sentences(section.body):
            assert sentence not in summary_sentences
            assert sentence not in lead_sentences
            assert sentence not in seen, "a sentence used twice"
            seen.add(sentence)
    # The lead opens each story with its first point and then adds new facts.
    for paragraph in ceo_briefing.lead.split("\n\n"):
        assert len([s for s in sentences(paragraph) if s in summary_sentences]) <= 1


def test_keywords_are_no_stopwords_dates_or_names(ceo_briefing):
    names = set()
    for item in ceo_briefing.items.all():
        names |= person_names(f"{item.article.headline}\n{item.article.body}")
    assert len(ceo_briefing.keywords) == 5
    for keyword in ceo_briefing.keywords:
        assert keyword not in STOPWORDS
        assert not re.fullmatch(r"[\d.,%]+|\d+\s*(일|월|년|시)", keyword)
        assert not set(keyword.split()) & names
        # The reader's own name is no keyword of the day.
        assert "CEO" not in keyword.split()
    assert len(set(ceo_briefing.keywords)) == 5


def test_headline_and_provenance_of_the_draft(ceo_briefing):
    top = ceo_briefing.items.all()[0].headline
    assert ceo_briefing.headline and top.startswith(ceo_briefing.headline)
    assert "…" not in ceo_briefing.headline
    assert ceo_briefing.footer == prism_settings.footer
    assert ceo_briefing.status == Briefing.Status.DRAFT
    assert not ceo_briefing.human_edited


def test_items_carry_selection_reasons_and_related_articles(ceo_briefing):
    for item in ceo_briefing.items.all():
        reason = item.selection_reason
        assert reason["group"] == item.group
        assert "relevance" in reason["components"]
        assert sorted(reason["related_article_ids"]) == sorted(
            a.pk for a in item.related_articles.all()
        )


def test_korean_particles_and_headings():
    assert with_particle("반도체", "와", "과") == "반도체와"
    assert with_particle("관세", "와", "과") == "관세와"
    assert with_particle("금융권", "와", "과") == "금융권과"
    assert with_particle("HBM", "와", "과") == "HBM과"
    assert with_particle("AI", "와", "과") == "AI와"
    # Two bare nouns joined by 와/과 are no heading; a headline's phrase is.
    assert bare_noun_heading("관세와 고율")
    assert bare_noun_heading("칭기와 고인골")
    assert bare_noun_heading("개발사와 개발사 오픈AI")
    assert not bare_noun_heading("삼성SDI의 국내 첫 46파이 배터리 양산")


def test_person_names_are_recognised():
    text = "정윤호 세진반도체 대표는 “계기”라고 말했다. 반도체 대표 기업이 늘었다."
    assert person_names(text) == {"정윤호"}
