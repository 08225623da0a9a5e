"""A briefing in its output formats: plain text, HTML and JSON, and text parsed back.

The plain text follows the newspaper's published layout line for line (see
``prism/templates/prism/briefing.txt``); HTML is the include the public page and the
admin preview share; JSON carries every part for the API.
"""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string

from prism.conf import prism_settings
from prism.models import Briefing, BriefingItem

TEXT_TEMPLATE = "prism/briefing.txt"
HTML_TEMPLATE = "prism/includes/briefing_body.html"
GROUP_HEADING = re.compile(r"^\[(?P<name>.+) (?P<label>관심 뉴스|참고 뉴스)\]$")
ITEM_LINE = re.compile(r"^(?P<rank>\d+)\.\s*(?P<headline>.+)$")
SUMMARY_PREFIX = "- 핵심 요약:"
RELATED_LINE = "관련기사"
KEYWORDS_HEADING = "[키워드 TOP 5]"
CORRECTION_PREFIX = "※ 정정:"
NOTE_PREFIX = "* 편집자 주"
SECTION_PREFIX = "■"


def _items(briefing: Briefing) -> list[BriefingItem]:
    # .all() keeps prefetches from Briefing.objects.with_content() (API, site).
    return sorted(briefing.items.all(), key=lambda item: item.rank)


def _sections(briefing: Briefing) -> list:
    return sorted(briefing.sections.all(), key=lambda section: section.position)


def lead_paragraphs(lead: str) -> list[str]:
    """The lead's paragraphs (one per line of the stored text)."""
    return [line.strip() for line in (lead or "").splitlines() if line.strip()]


def briefing_footer(briefing: Briefing) -> str:
    """The stored footer, or the configured one: a briefing never goes out without."""
    return briefing.footer or prism_settings.footer


def text_context(briefing: Briefing) -> dict[str, Any]:
    """What the plain-text template gets."""
    groups = []
    all_items = _items(briefing)
    for value, label in BriefingItem.Group.choices:
        items = [
            {
                "rank": item.rank,
                "headline": item.headline,
                "summary": " ".join(item.summary.split()),
                "related": list(item.related_articles.all()),
                "url": item.article.url if item.article else "",
            }
            for item in all_items
            if item.group == value
        ]
        if items:
            groups.append({"group": value, "label": str(label), "items": items})
    return {
        "briefing": briefing,
        "reader_type_name": briefing.reader_type.name,
        "lead_paragraphs": lead_paragraphs(briefing.lead),
        "sections": _sections(briefing),
        "groups": groups,
        "keyword_line": briefing.keyword_line,
        "correction_note": " ".join(briefing.correction_note.split()),
        "footer": briefing_footer(briefing),
    }


def briefing_render_text(briefing: Briefing) -> str:
    """The briefing as plain text, one line per part, footer last."""
    rendered = render_to_string(TEXT_TEMPLATE, text_context(briefing))
    lines = [line.rstrip() for line in rendered.splitlines()]
    return "\n".join(line for line in lines if line.strip()) + "\n"


def briefing_render_html(briefing: Briefing, *, request=None) -> str:
    """The briefing's HTML body, the include the site and the admin preview share."""
    return render_to_string(HTML_TEMPLATE, {"briefing": briefing}, request=request)


def briefing_to_dict(briefing: Briefing, *, internal: bool = False) -> dict[str, Any]:
    """Every part of the briefing as JSON-able data (``internal`` adds editor data)."""
    items = []
    for item in _items(briefing):
        entry: dict[str, Any] = {
            "rank": item.rank,
            "group": item.group,
            "group_label": str(item.get_group_display()),
            "headline": item.headline,
            "summary": item.summary,
            "article_id": item.article_id,
            "url": item.article.url if item.article else "",
            "related_articles": [
                {"id": a.pk, "headline": a.headline, "url": a.url}
                for a in item.related_articles.all()
            ],
        }
        if internal:
            entry["selection_reason"] = item.selection_reason
            entry["summary_sentences"] = item.summary_sentences
        items.append(entry)
    data: dict[str, Any] = {
        "id": briefing.pk,
        "reader_type": {
            "slug": briefing.reader_type.slug,
            "name": briefing.reader_type.name,
        },
        "edition_date": briefing.edition_date.isoformat(),
        "status": briefing.status,
        "version": briefing.version,
        "headline": briefing.headline,
        "header_line": briefing.header_line,
        "editors_note": briefing.editors_note,
        "lead": lead_paragraphs(briefing.lead),
        "sections": [
            {"position": s.position, "heading": s.heading, "body": s.body}
            for s in _sections(briefing)
        ],
        "items": items,
        "keywords": list(briefing.keywords),
        "brand_tags": list(prism_settings.BRAND_TAGS),
        "keyword_line": briefing.keyword_line,
        "correction_note": briefing.correction_note,
        "footer": briefing_footer(briefing),
        "published_at": (
            briefing.published_at.isoformat() if briefing.published_at else None
        ),
        "url": briefing.get_absolute_url(),
    }
    if internal:
        data["generation_notes"] = briefing.generation_notes
        data["human_edited"] = briefing.human_edited
    return data


def briefing_from_text(text: str) -> dict[str, Any]:
    """Parse plain text in the briefing layout back into its parts."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    parsed: dict[str, Any] = {
        "header_line": "",
        "editors_note": "",
        "lead": [],
        "sections": [],
        "groups": [],
        "keywords": [],
        "brand_tags": [],
        "correction_note": "",
        "footer": "",
    }
    if not lines:
        return parsed
    parsed["header_line"] = lines[0]
    parsed["footer"] = lines[-1]
    state = "lead"
    for line in lines[1:-1]:
        state = _parse_line(parsed, line, state)
    return parsed


def _parse_line(parsed: dict[str, Any], line: str, state: str) -> str:
    """Read one line into ``parsed``; returns the parser's new state."""
    group = GROUP_HEADING.match(line)
    if line.startswith(NOTE_PREFIX) and not parsed["editors_note"]:
        parsed["editors_note"] = line
        return "lead"
    if line.startswith(SECTION_PREFIX) and state in {"lead", "section"}:
        parsed["sections"].append(
            {"heading": line[len(SECTION_PREFIX) :].strip(), "body": ""}
        )
        return "section"
    if group:
        parsed["groups"].append(
            {"reader_type": group["name"], "label": group["label"], "items": []}
        )
        return "items"
    if line == KEYWORDS_HEADING:
        return "keywords"
    if line.startswith(CORRECTION_PREFIX):
        parsed["correction_note"] = line[len(CORRECTION_PREFIX) :].strip()
        return state
    if state == "lead":
        parsed["lead"].append(line)
    elif state == "section":
        section = parsed["sections"][-1]
        section["body"] = f"{section['body']}\n{line}".strip()
    elif state == "items":
        _parse_item_line(parsed["groups"][-1]["items"], line)
    elif state == "keywords":
        words = [w.strip() for w in line.split(",") if w.strip()]
        brand = [w for w in words if w in prism_settings.BRAND_TAGS]
        parsed["keywords"] = [w for w in words if w not in brand]
        parsed["brand_tags"] = brand
    return state


def _parse_item_line(items: list[dict[str, Any]], line: str) -> None:
    item = ITEM_LINE.match(line)
    if item and not line.startswith(SUMMARY_PREFIX):
        items.append(
            {
                "rank": int(item["rank"]),
                "headline": item["headline"].strip(),
                "summary": "",
                "related": False,
            }
        )
    elif line.startswith(SUMMARY_PREFIX) and items:
        items[-1]["summary"] = line[len(SUMMARY_PREFIX) :].strip()
    elif line == RELATED_LINE and items:
        items[-1]["related"] = True
