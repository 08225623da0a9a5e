"""Context builders for the admin's pages: what each panel shows, in editors' words.

Reads only; every write goes through ``prism.services``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from prism.conf import prism_settings
from prism.models import AuditEvent, Briefing, BriefingItem, GenerationRun, ReaderType
from prism.services.audit import action_label, briefing_audit_trail
from prism.services.edit_metrics import PART_LABELS, briefing_edit_metrics
from prism.services.editing import briefing_submitter, can_withdraw
from prism.services.live import live_source_changes
from prism.services.share_links import share_link_is_active, share_link_token
from prism.services.workflow import (
    available_transitions,
    can_edit,
    publish_problems,
    user_has_perm,
)

Status = Briefing.Status
Action = AuditEvent.Action


def change_url(briefing: Briefing) -> str:
    return reverse("admin:prism_briefing_change", args=[briefing.pk])


# --- words ------------------------------------------------------------------------

_PART_WORDS = {
    "headline": "제목",
    "header_line": "머리글",
    "editors_note": "편집자 주",
    "lead": "리드",
    "keywords": "키워드 TOP 5",
    "footer": "저작권 문구",
    "correction_note": "정정 안내",
    "all": "브리핑 전체",
    "items": "기사 구성",
}
_ITEM_WORDS = {
    "headline": "제목",
    "summary": "핵심 요약",
    "group": "구분",
    "related_articles": "관련기사",
    "article": "원문 기사(교체)",
    "rank": "순서",
}
_SECTION_WORDS = {"heading": "주제", "body": "본문"}


def part_words(part: str) -> str:
    """``item1.summary`` → "1번 기사 핵심 요약", ``section2.body`` → …, ``lead``."""
    match = re.fullmatch(r"item(\d+)\.(\w+)", part)
    if match:
        return f"{match[1]}번 기사 {_ITEM_WORDS.get(match[2], match[2])}"
    match = re.fullmatch(r"item:(\d+)", part)
    if match:
        return f"{match[1]}번 기사"
    match = re.fullmatch(r"section(\d+)\.(\w+)", part)
    if match:
        return f"{match[1]}번째 주제 섹션 {_SECTION_WORDS.get(match[2], match[2])}"
    match = re.fullmatch(r"section:(\d+)", part)
    if match:
        return f"{match[1]}번째 주제 섹션"
    return _PART_WORDS.get(part, part)


def parts_sentence(parts: list[str]) -> str:
    words = []
    for part in parts:
        word = part_words(str(part))
        if word not in words:
            words.append(word)
    return ", ".join(words)


def audit_sentence(event: AuditEvent) -> str:
    """One audit row as a sentence an editor reads."""
    data = event.data or {}
    label = action_label(event.action)
    pieces = [label]
    if data.get("parts"):
        pieces.append(f"— {parts_sentence(data['parts'])}")
    if event.action in (Action.PUBLISHED, Action.APPROVED) and data.get("revision"):
        pieces.append(f"(v{data['revision']})")
    if data.get("publish_at"):
        try:
            when = dt.datetime.fromisoformat(data["publish_at"])
            pieces.append(f"{timezone.localtime(when):%Y-%m-%d %H:%M} 발행 예정")
        except (TypeError, ValueError):
            pass
    if data.get("via") == "schedule":
        pieces.append("(예약 발행)")
    if data.get("restored_from"):
        pieces.append(f"(v{data['restored_from']}에서)")
    return " ".join(pieces)


def provenance_sentence(provenance: dict[str, Any] | None) -> str:
    """Where a revision came from, in a sentence (no Python dicts)."""
    provenance = provenance or {}
    if not provenance:
        return ""
    pieces = []
    if provenance.get("recomposed"):
        pieces.append(f"{part_words(str(provenance['recomposed']))}을(를) 다시 씀")
    summarizer = provenance.get("summarizer") or {}
    if isinstance(summarizer, dict) and summarizer.get("backend"):
        name = summarizer.get("model_name") or summarizer.get("model") or ""
        pieces.append(f"요약: {summarizer['backend']}" + (f" ({name})" if name else ""))
    elif provenance.get("backend"):
        pieces.append(f"요약: {provenance['backend']}")
    if provenance.get("pool_size") is not None:
        pieces.append(f"후보 기사 {provenance['pool_size']}건에서 선정")
    window = provenance.get("window")
    if isinstance(window, dict) and window.get("start"):
        try:
            start = timezone.localtime(dt.datetime.fromisoformat(window["start"]))
            end = timezone.localtime(dt.datetime.fromisoformat(window["end"]))
            pieces.append(f"후보 기간 {start:%m-%d %H:%M}~{end:%m-%d %H:%M}")
        except (KeyError, TypeError, ValueError):
            pass
    run_id = provenance.get("run_id") or provenance.get("run")
    if run_id:
        pieces.append(f"생성 작업 #{run_id}")
    if provenance.get("by") == "prism.services.editing" and not pieces:
        pieces.append("편집 화면에서 만듦")
    return " · ".join(pieces)


def selection_reason_sentence(reason: Any, reader_type: ReaderType | None) -> str:
    """Why the item was chosen, in plain Korean (no scores)."""
    if not reason:
        return ""
    if not isinstance(reason, dict):
        return str(reason)
    pieces = []
    if reason.get("chosen_by_editor"):
        pieces.append("편집자가 고른 기사")
    keywords = [str(k) for k in reason.get("matched_keywords") or []]
    if keywords:
        pieces.append("관심 키워드 " + "·".join(f"‘{k}’" for k in keywords[:4]))
    section = str(reason.get("section") or "")
    preferred = (
        {str(s) for s in (reader_type.preferred_sections or [])}
        if (reader_type)
        else set()
    )
    if section and section in preferred:
        pieces.append(f"선호 섹션 {section}")
    components = reason.get("components") or {}
    if isinstance(components, dict):
        if float(components.get("recency") or 0) >= 0.8:
            pieces.append("최근 기사")
        if float(components.get("importance") or 0) >= 0.6:
            pieces.append("여러 매체가 다룬 기사")
    if reason.get("related_article_ids"):
        pieces.append(f"같은 사건 기사 {len(reason['related_article_ids'])}건")
    if reason.get("reason"):
        pieces.append(str(reason["reason"]))
    if not pieces:
        pieces.append("관심 분야와의 종합 점수로 선정")
    return "선정 이유: " + ", ".join(pieces)


# --- the change form ----------------------------------------------------------------


def source_article_context(item: BriefingItem) -> dict[str, Any]:
    """The source article of an item with the summary's sentences marked in its body."""
    article = item.article
    if article is None:
        return {"article": None}
    body = article.body or ""
    spans: list[tuple[int, int]] = []
    missing = 0
    for sentence in item.summary_sentences or []:
        if not isinstance(sentence, dict):
            continue
        text = str(sentence.get("text", ""))
        start, end = sentence.get("start"), sentence.get("end")
        valid = (
            isinstance(start, int)
            and isinstance(end, int)
            and 0 <= start < end <= len(body)
            and (not text or body[start:end] == text)
        )
        if not valid and text:
            # The body may have been re-cleaned since: find the sentence again.
            found = body.find(text)
            start, end, valid = found, found + len(text), found >= 0
        if valid:
            spans.append((start, end))
        else:
            missing += 1
    spans.sort()
    pieces: list[str] = []
    cursor = 0
    for start, end in spans:
        if start < cursor:
            continue
        pieces.append(escape(body[cursor:start]))
        pieces.append(f"<mark>{escape(body[start:end])}</mark>")
        cursor = end
    pieces.append(escape(body[cursor:]))
    # Every piece above went through escape(); only our <mark> tags are markup.
    body_html = mark_safe("".join(pieces))  # noqa: S308  # nosec
    return {
        "article": article,
        "body_html": body_html,
        "marked": len(spans),
        "missing": missing,
        "article_admin_url": reverse("admin:prism_article_change", args=[article.pk]),
    }


def quality_rows(briefing: Briefing) -> list[dict[str, Any]]:
    """The quality report's findings with an anchor to the part each is about."""
    rows = []
    for finding in briefing.quality_findings or []:
        if not isinstance(finding, dict):
            continue
        part = str(finding.get("part") or "")
        rows.append(
            {
                "severity": finding.get("severity") or "soft",
                "message": finding.get("message") or finding.get("check") or "",
                "excerpt": finding.get("excerpt") or "",
                "part": part_words(part) if part else "",
                "anchor": part_anchor(part),
            }
        )
    return rows


def part_anchor(part: str) -> str:
    """The change form's element id for a part ("lead", "section:2", "item:3")."""
    if part.startswith("item:"):
        return f"part-item-{part.split(':', 1)[1]}"
    if part.startswith("section:"):
        return f"part-section-{part.split(':', 1)[1]}"
    if part in ("lead", "keywords", "headline", "editors_note", "footer"):
        return f"id_{part}"
    if part == "items":
        return "items-group"
    return ""


def workflow_context(request, briefing: Briefing) -> dict[str, Any]:
    """The change form's action bar, checks, links, metrics and audit rows."""
    user = request.user
    transitions = available_transitions(briefing, user)
    problems = publish_problems(briefing)
    approval_stale = briefing.status in (Status.APPROVED, Status.SCHEDULED) and (
        briefing.approved_version != briefing.version
    )
    buttons = []
    for transition in transitions:
        blocked = transition.action in ("publish", "schedule", "approve") and bool(
            problems
        )
        if transition.action in ("publish", "schedule") and approval_stale:
            blocked = True
        buttons.append(
            {
                "action": transition.action,
                "label": transition.label,
                "comment": transition.comment,
                "blocked": blocked,
                "url": reverse(
                    "admin:prism_briefing_transition",
                    args=[briefing.pk, transition.action],
                ),
            }
        )
    if can_withdraw(briefing, user):
        buttons.insert(
            0,
            {
                "action": "withdraw",
                "label": "검토 요청 취소",
                "comment": "optional",
                "blocked": False,
                "url": reverse(
                    "admin:prism_briefing_transition", args=[briefing.pk, "withdraw"]
                ),
            },
        )
    editable = can_edit(briefing, user)
    rewrite = ai_rewrite_context(briefing) if editable else {}
    submitter = (
        briefing_submitter(briefing) if briefing.status == Status.IN_REVIEW else None
    )
    return {
        "workflow_buttons": buttons,
        "publish_problems": problems,
        "approval_stale": approval_stale,
        "default_publish_at": (timezone.localtime() + dt.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "can_edit_briefing": editable,
        "can_edit_selection": editable and briefing.status != Status.PUBLISHED,
        "can_regenerate": editable and briefing.status == Status.DRAFT,
        "is_correction": briefing.status == Status.PUBLISHED and editable,
        "submitter": submitter,
        "quality_rows": quality_rows(briefing),
        "source_changes": live_source_changes(briefing),
        "preview_url": reverse("admin:prism_briefing_preview", args=[briefing.pk]),
        "history_url": reverse("admin:prism_briefing_history", args=[briefing.pk]),
        "diff_original_url": reverse("admin:prism_briefing_diff", args=[briefing.pk])
        + "?a=original&b=current",
        "diff_live_url": (
            reverse("admin:prism_briefing_diff", args=[briefing.pk])
            + "?a=live&b=current"
            if briefing.live_revision_id
            else ""
        ),
        "public_url": briefing.get_absolute_url()
        if briefing.status == Status.PUBLISHED
        else "",
        "edit_metrics": _metric_rows(briefing_edit_metrics(briefing)),
        "audit_events": _with_sentences(briefing_audit_trail(briefing, limit=15)),
        **rewrite,
        # The AI-written sentences with their sources, shown on hover.
        "ai_citations": citation_panel(briefing),
        "section_positions": list(
            briefing.sections.order_by("position").values_list("position", flat=True)
        ),
    }


def citation_panel(briefing: Briefing) -> list[dict[str, Any]]:
    from prism.services.composer_records import citation_panel as panel

    return panel(briefing)


def ai_rewrite_context(briefing: Briefing) -> dict[str, Any]:
    """The "AI로 다시 쓰기" buttons, when a generative composer is configured, and
    which parts a person wrote (the button asks before replacing those)."""
    if str(prism_settings.COMPOSER_BACKEND or "extractive") == "extractive":
        return {}
    from prism.services.rewrite import part_edited_by_person

    parts = ["lead", "keywords"]
    parts += [
        f"section:{p}" for p in briefing.sections.values_list("position", flat=True)
    ]
    parts += [f"item:{r}" for r in briefing.items.values_list("rank", flat=True)]
    return {
        "ai_rewrite_url": reverse("admin:prism_briefing_rewrite", args=[briefing.pk]),
        "ai_edited_parts": [p for p in parts if part_edited_by_person(briefing, p)],
    }


def _with_sentences(events):
    for event in events:
        event.sentence = audit_sentence(event)
    return events


def _metric_rows(metrics: dict[str, float] | None) -> list[dict[str, Any]]:
    if not metrics:
        return []
    return [
        {"label": label, "ratio": metrics.get(part, 0.0)}
        for part, label in PART_LABELS.items()
    ]


# --- history --------------------------------------------------------------------------


def history_context(request, briefing: Briefing) -> dict[str, Any]:
    """Revisions, audit trail and share links for the history page."""
    user = request.user
    can_view_revisions = user.has_perm("prism.view_briefingrevision")
    revisions = (
        list(briefing.revisions.select_related("author").order_by("-number"))
        if can_view_revisions
        else []
    )
    for revision in revisions:
        revision.provenance_sentence = provenance_sentence(revision.provenance)
    links = []
    if user.has_perm("prism.view_sharelink"):
        for link in briefing.share_links.select_related("revision", "created_by"):
            active = share_link_is_active(link)
            links.append(
                {
                    "link": link,
                    "active": active,
                    "url": request.build_absolute_uri(
                        reverse(
                            "admin:prism_briefing_shared",
                            args=[share_link_token(link)],
                        )
                    )
                    if active
                    else "",
                    "revoke_url": reverse(
                        "admin:prism_sharelink_revoke", args=[link.pk]
                    ),
                }
            )
    return {
        "revisions": revisions,
        "current_version": briefing.version,
        "live_revision_id": briefing.live_revision_id,
        "can_restore": can_edit(briefing, user) and briefing.status != Status.PUBLISHED,
        "can_share": user_has_perm(user, "add_sharelink") and can_view_revisions,
        "can_revoke": user.has_perm("prism.change_sharelink"),
        "share_links": links,
        "share_max_hours": prism_settings.SHARE_LINK_MAX_AGE_HOURS,
        "audit_events": _with_sentences(briefing_audit_trail(briefing)),
    }


# --- the changelist and the desk ------------------------------------------------


def status_counts(queryset) -> list[dict[str, Any]]:
    """Briefings per status (all dates and today) for the changelist header."""
    today = timezone.localdate()
    totals = dict(queryset.model.objects.values_list("status").annotate(n=Count("pk")))
    todays = dict(
        queryset.model.objects.filter(edition_date=today)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "status": value,
            "label": label,
            "count": totals.get(value, 0),
            "today": todays.get(value, 0),
            "url": f"?status__exact={value}",
        }
        for value, label in Status.choices
    ]


def _last_touch(briefings: list[Briefing]) -> dict[int, AuditEvent]:
    """The newest audit event of each briefing (who last touched it)."""
    latest: dict[int, AuditEvent] = {}
    events = (
        AuditEvent.objects.filter(briefing__in=briefings)
        .select_related("actor")
        .order_by("briefing_id", "-created_at", "-id")
    )
    for event in events:
        latest.setdefault(event.briefing_id, event)
    return latest


def _row(briefing: Briefing, touch: AuditEvent | None) -> dict[str, Any]:
    findings = [f for f in briefing.quality_findings or [] if isinstance(f, dict)]
    return {
        "briefing": briefing,
        "url": change_url(briefing),
        "quality_count": len(findings),
        "quality_hard": sum(1 for f in findings if f.get("severity") == "hard"),
        "touch": touch,
        "touch_label": action_label(touch.action) if touch else "",
    }


def desk_context(user) -> dict[str, Any]:
    """The editor's desk: today's edition, the review queue, schedule, runs."""
    if not user_has_perm(user, "view_briefing"):
        # Staff of the host site without PRISM permissions see no briefing at all.
        return {"allowed": False}
    today = timezone.localdate()
    reader_types = list(ReaderType.objects.filter(is_active=True))
    live = Briefing.objects.live().select_related("reader_type")
    todays = {b.reader_type_id: b for b in live.filter(edition_date=today)}
    review = list(live.filter(status=Status.IN_REVIEW).order_by("edition_date", "pk"))
    scheduled = list(live.filter(status=Status.SCHEDULED).order_by("publish_at"))
    published = list(live.filter(status=Status.PUBLISHED).order_by("-published_at")[:8])
    touches = _last_touch([*todays.values(), *review, *scheduled, *published])
    edition = []
    for reader_type in reader_types:
        briefing = todays.get(reader_type.pk)
        row = _row(briefing, touches.get(briefing.pk)) if briefing else {}
        edition.append({"reader_type": reader_type, **row})
    runs = GenerationRun.objects.filter(
        status__in=[GenerationRun.Status.FAILED, GenerationRun.Status.RUNNING,
                    GenerationRun.Status.QUEUED],
        created_at__gte=timezone.now() - dt.timedelta(days=3),
    ).order_by("-created_at")[:10]  # fmt: skip
    return {
        "allowed": True,
        "today": today,
        "edition": edition,
        "review": [_row(b, touches.get(b.pk)) for b in review],
        "show_review": user_has_perm(user, "approve_briefing"),
        "can_generate": user_has_perm(user, "add_generationrun"),
        "scheduled": [_row(b, touches.get(b.pk)) for b in scheduled],
        "published": [_row(b, touches.get(b.pk)) for b in published],
        "runs": [
            {
                "run": run,
                "url": reverse("admin:prism_generationrun_change", args=[run.pk]),
            }
            for run in runs
        ],
        "changelist_url": reverse("admin:prism_briefing_changelist"),
    }
