"""Rendering: plain text in the published layout, HTML, JSON, and the export command."""

from __future__ import annotations

import html as html_lib
import json

import pytest
from django.core.management import CommandError, call_command

from prism.conf import prism_settings
from prism.models import Briefing
from prism.services.render import (
    briefing_from_text,
    briefing_render_html,
    briefing_render_text,
    briefing_to_dict,
)

# The layout of the newspaper's published briefings (content invented for the test).
PUBLISHED_LAYOUT = """\
▲ AI 프리즘* 맞춤형 경제 브리핑
* 편집자 주: ‘AI PRISM’은 독자 유형별 맞춤 뉴스 6개를 선별해 제공합니다.
첫 리드 문단이다. 두 번째 문장이다.
둘째 리드 문단이다. 또 다른 문장이다.
■ 첫째 주제
첫째 주제 문단이다. 둘째 문장이다. 셋째 문장이다.
■ 둘째 주제
둘째 주제 문단이다. 둘째 문장이다. 셋째 문장이다.
■ 셋째 주제
셋째 주제 문단이다. 둘째 문장이다. 셋째 문장이다.
[CEO 관심 뉴스]
1. 첫 기사 제목
- 핵심 요약: 첫 기사 요약이다. 둘째 문장이다. 셋째 문장이다.
관련기사
2. 둘째 기사 제목
- 핵심 요약: 둘째 기사 요약이다.
3. 셋째 기사 제목
- 핵심 요약: 셋째 기사 요약이다.
[CEO 참고 뉴스]
4. 넷째 기사 제목
- 핵심 요약: 넷째 기사 요약이다.
5. 다섯째 기사 제목
- 핵심 요약: 다섯째 기사 요약이다.
6. 여섯째 기사 제목
- 핵심 요약: 여섯째 기사 요약이다.
[키워드 TOP 5]
AI기술경쟁, 산업방어기금, 투자확대, 글로벌경쟁, 인재확보, AI PRISM, AI 프리즘
< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >
"""


def test_the_published_layout_parses_into_its_parts():
    parsed = briefing_from_text(PUBLISHED_LAYOUT)
    assert parsed["header_line"] == "▲ AI 프리즘* 맞춤형 경제 브리핑"
    assert parsed["editors_note"].startswith("* 편집자 주")
    assert len(parsed["lead"]) == 2
    assert [s["heading"] for s in parsed["sections"]] == [
        "첫째 주제",
        "둘째 주제",
        "셋째 주제",
    ]
    assert [len(g["items"]) for g in parsed["groups"]] == [3, 3]
    assert parsed["groups"][0]["items"][0]["related"] is True
    assert parsed["groups"][0]["items"][1]["related"] is False
    assert parsed["keywords"] == [
        "AI기술경쟁",
        "산업방어기금",
        "투자확대",
        "글로벌경쟁",
        "인재확보",
    ]
    assert parsed["brand_tags"] == ["AI PRISM", "AI 프리즘"]
    assert parsed["footer"] == "< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >"


def test_text_round_trips_every_part(make_briefing, make_article):
    briefing = make_briefing()
    first = briefing.items.get(rank=1)
    first.related_articles.set([make_article(headline="관련된 기사")])
    text = briefing_render_text(briefing)
    parsed = briefing_from_text(text)
    assert parsed["header_line"] == briefing.header_line
    assert parsed["editors_note"] == briefing.editors_note
    assert parsed["lead"] == ["첫 번째 리드 문단이다.", "두 번째 리드 문단이다."]
    assert [(s["heading"], s["body"]) for s in parsed["sections"]] == [
        (s.heading, s.body) for s in briefing.sections.all()
    ]
    items = [i for g in parsed["groups"] for i in g["items"]]
    assert [(i["rank"], i["headline"], i["summary"]) for i in items] == [
        (i.rank, i.headline, i.summary) for i in briefing.items.all()
    ]
    assert [i["related"] for i in items] == [True] + [False] * 5
    assert parsed["keywords"] == briefing.keywords
    assert parsed["footer"] == prism_settings.footer
    assert text.endswith(prism_settings.footer + "\n")


def test_text_has_no_blank_lines_and_one_line_per_part(make_briefing):
    briefing = make_briefing()
    lines = briefing_render_text(briefing).splitlines()
    assert all(line.strip() and line == line.rstrip() for line in lines)
    # header, note, 2 lead, 3x(heading, body), 2 group headings, 6x(title, summary),
    # keyword heading and line, footer
    assert len(lines) == 2 + 2 + 6 + 2 + 12 + 2 + 1


def test_a_briefing_without_footer_still_ends_with_the_configured_one(make_briefing):
    briefing = make_briefing(footer="")
    assert briefing_render_text(briefing).splitlines()[-1] == prism_settings.footer
    assert briefing_to_dict(briefing)["footer"] == prism_settings.footer


def test_correction_note_comes_before_the_footer(make_briefing):
    briefing = make_briefing(correction_note="3번 기사의 수치를 바로잡았습니다.")
    lines = briefing_render_text(briefing).splitlines()
    assert lines[-2] == "※ 정정: 3번 기사의 수치를 바로잡았습니다."
    parsed = briefing_from_text("\n".join(lines))
    assert parsed["correction_note"] == "3번 기사의 수치를 바로잡았습니다."


def test_the_newsroom_can_override_the_text_layout(make_briefing, settings, tmp_path):
    override = tmp_path / "prism" / "briefing.txt"
    override.parent.mkdir(parents=True)
    override.write_text(
        "{% autoescape off %}[주요 이슈 브리핑]\n"
        "{% for section in sections %}■ 주제: {{ section.heading }}\n{% endfor %}"
        "{{ footer }}{% endautoescape %}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    lines = briefing_render_text(make_briefing()).splitlines()
    assert lines == [
        "[주요 이슈 브리핑]",
        "■ 주제: 주제 1",
        "■ 주제: 주제 2",
        "■ 주제: 주제 3",
        prism_settings.footer,
    ]


def test_html_carries_every_part(make_briefing):
    briefing = make_briefing()
    html = briefing_render_html(briefing)
    assert "[CEO 관심 뉴스]" in html and "[CEO 참고 뉴스]" in html
    assert "■ 주제 1" in html
    assert "1번 기사의 요약이다." in html
    assert briefing.keyword_line in html
    footer = html_lib.escape(prism_settings.footer)
    assert footer in html
    assert html.index("관심 뉴스") < html.index(footer)


def test_json_is_serialisable_and_complete(make_briefing):
    briefing = make_briefing()
    data = json.loads(json.dumps(briefing_to_dict(briefing), ensure_ascii=False))
    assert data["reader_type"] == {"slug": "ceo", "name": "CEO"}
    assert data["lead"] == ["첫 번째 리드 문단이다.", "두 번째 리드 문단이다."]
    assert [s["position"] for s in data["sections"]] == [1, 2, 3]
    assert [i["rank"] for i in data["items"]] == [1, 2, 3, 4, 5, 6]
    assert data["items"][0]["group_label"] == "관심 뉴스"
    assert data["keyword_line"].endswith("AI PRISM, AI 프리즘")
    assert "selection_reason" not in data["items"][0]
    internal = briefing_to_dict(briefing, internal=True)
    assert "selection_reason" in internal["items"][0]
    assert "generation_notes" in internal


def test_rendering_a_prefetched_briefing_costs_a_fixed_number_of_queries(
    make_briefing, django_assert_max_num_queries
):
    pk = make_briefing().pk
    briefing = Briefing.objects.with_content().get(pk=pk)
    with django_assert_max_num_queries(1):
        briefing_render_text(briefing)
        briefing_to_dict(briefing)


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_export_command(make_briefing, capsys, fmt, tmp_path):
    briefing = make_briefing()
    call_command("prism_export", str(briefing.pk), "--format", fmt)
    out = capsys.readouterr().out
    footer = prism_settings.footer
    if fmt == "json":
        assert json.loads(out)["id"] == briefing.pk
    else:
        assert (html_lib.escape(footer) if fmt == "html" else footer) in out
    target = tmp_path / f"briefing.{fmt}"
    call_command("prism_export", str(briefing.pk), "--format", fmt, "-o", str(target))
    assert target.read_text(encoding="utf-8").strip() == out.strip()


def test_export_command_refuses_an_unknown_briefing(db):
    with pytest.raises(CommandError, match="없습니다"):
        call_command("prism_export", "987654")
