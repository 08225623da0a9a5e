"""The editorial admin's own pages and POST actions for briefings.

Every view here is mounted by ``BriefingAdmin.get_urls`` behind
``admin_site.admin_view()`` (staff login, no caching) and still checks the object
permission it needs itself: preview, diff, history and share pages are where other
CMSs leaked unpublished drafts. The only exception is ``shared_preview_view``, whose
signed, expiring, revocable token is the permission.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from prism.conf import prism_settings
from prism.models import Briefing, BriefingItem, BriefingRevision, ShareLink
from prism.services.audit import admin_log, briefing_audit_trail
from prism.services.diffs import snapshot_diff
from prism.services.edit_metrics import (
    PART_LABELS,
    briefing_edit_metrics,
    edit_metrics_per_briefing,
    edit_metrics_summary,
)
from prism.services.revisions import (
    briefing_snapshot,
    revision_original,
    snapshot_as_briefing,
)
from prism.services.share_links import (
    ShareLinkInvalid,
    share_link_create,
    share_link_is_active,
    share_link_resolve,
    share_link_revoke,
    share_link_token,
)
from prism.services.workflow import (
    TRANSITIONS,
    WorkflowError,
    WorkflowPermissionDenied,
    available_transitions,
    briefing_transition,
    can_edit,
    publish_problems,
    revision_restore,
    user_has_perm,
)

# --- shared helpers ---------------------------------------------------------------


def _briefing_for(request: HttpRequest, model_admin, object_id: str) -> Briefing:
    """The briefing, if the user may at least view it (404 / 403 otherwise)."""
    briefing = model_admin.get_object(request, unquote(object_id))
    if briefing is None:
        raise Http404("브리핑이 없습니다.")
    if not model_admin.has_view_or_change_permission(request, briefing):
        raise PermissionDenied
    return briefing


def _require_revision_view(request: HttpRequest) -> None:
    if not request.user.has_perm("prism.view_briefingrevision"):
        raise PermissionDenied


def _private(response: HttpResponse) -> HttpResponse:
    """Unpublished content: never cached, never indexed, never framed."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


def _change_url(briefing: Briefing) -> str:
    return reverse("admin:prism_briefing_change", args=[briefing.pk])


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
        for value, label in Briefing.Status.choices
    ]


def source_article_context(item: BriefingItem) -> dict[str, Any]:
    """The source article of an item with the summary's sentences marked in its body."""
    article = item.article
    if article is None:
        return {"article": None}
    body = article.body or ""
    spans: list[tuple[int, int]] = []
    offsets = []
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
        offsets.append({"text": text, "start": start, "end": end, "found": valid})
        if valid:
            spans.append((start, end))
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
        "offsets": offsets,
        "article_admin_url": reverse("admin:prism_article_change", args=[article.pk]),
    }


def selection_reason_rows(reason: Any) -> list[tuple[str, Any]]:
    """The generator's selection reason as label/value rows (any JSON shape)."""
    labels = {
        "score": "종합 점수",
        "relevance": "관심도",
        "section": "섹션",
        "recency": "최신성",
        "importance": "중요도",
        "mmr": "다양성 보정(MMR)",
        "matched_keywords": "일치한 관심 키워드",
        "keywords": "키워드",
        "reason": "설명",
        "rank": "순위",
        "group": "구분",
        "components": "점수 구성",
        "related_article_ids": "관련기사 ID",
        "story": "같은 사건 기사",
    }
    component_labels = {
        "relevance": "관심도",
        "section": "섹션 가중치",
        "recency": "최신성",
        "importance": "중요도",
    }
    if isinstance(reason, dict):
        rows = []
        for key, value in reason.items():
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            elif isinstance(value, float):
                value = f"{value:.3f}"
            elif isinstance(value, dict):
                value = ", ".join(
                    f"{component_labels.get(k, k)}: {v}" for k, v in value.items()
                )
            rows.append((labels.get(key, key), value))
        return rows
    if reason:
        return [("설명", reason)]
    return []


def edit_data_from_forms(form, formsets) -> dict[str, Any]:
    """The workflow service's edit payload from the admin's validated forms."""
    from prism.services.workflow import EDITABLE_FIELDS

    data: dict[str, Any] = {
        name: form.cleaned_data[name]
        for name in EDITABLE_FIELDS
        if name in form.cleaned_data
    }
    for formset in formsets:
        if formset.model.__name__ == "BriefingSection":
            data["sections"] = [
                {
                    "position": f.instance.position,
                    "heading": f.cleaned_data.get("heading", f.instance.heading),
                    "body": f.cleaned_data.get("body", f.instance.body),
                }
                for f in formset.forms
                if f.instance.pk
            ]
        elif formset.model.__name__ == "BriefingItem":
            items = []
            for f in formset.forms:
                if not f.instance.pk:
                    continue
                entry = {"rank": f.instance.rank}
                for name in ("headline", "summary", "group"):
                    if name in f.cleaned_data:
                        entry[name] = f.cleaned_data[name]
                if "related_articles" in f.cleaned_data:
                    entry["related_article_ids"] = [
                        a.pk for a in f.cleaned_data["related_articles"]
                    ]
                items.append(entry)
            data["items"] = items
    return data


def workflow_context(request: HttpRequest, briefing: Briefing) -> dict[str, Any]:
    """The change form's workflow panel: buttons, guards, links, metrics, audit."""
    user = request.user
    transitions = available_transitions(briefing, user)
    problems = publish_problems(briefing)
    approval_stale = briefing.status in (
        Briefing.Status.APPROVED,
        Briefing.Status.SCHEDULED,
    ) and (briefing.approved_version != briefing.version)
    buttons = []
    for transition in transitions:
        blocked = transition.action in ("publish", "schedule") and (
            problems or approval_stale
        )
        if blocked:
            continue
        buttons.append(
            {
                "action": transition.action,
                "label": transition.label,
                "comment": transition.comment,
                "url": reverse(
                    "admin:prism_briefing_transition",
                    args=[briefing.pk, transition.action],
                ),
            }
        )
    wants_publish = any(t.action in ("publish", "schedule") for t in transitions)
    default_publish_at = timezone.localtime() + dt.timedelta(hours=1)
    return {
        "workflow_buttons": buttons,
        "publish_problems": problems,
        "show_publish_problems": bool(problems)
        and briefing.status
        in (
            Briefing.Status.IN_REVIEW,
            Briefing.Status.APPROVED,
            Briefing.Status.SCHEDULED,
        ),
        "publish_blocked": wants_publish and (bool(problems) or approval_stale),
        "approval_stale": approval_stale,
        "default_publish_at": default_publish_at.strftime("%Y-%m-%dT%H:%M"),
        "can_edit_briefing": can_edit(briefing, user),
        "is_correction": briefing.status == Briefing.Status.PUBLISHED
        and can_edit(briefing, user),
        "preview_url": reverse("admin:prism_briefing_preview", args=[briefing.pk]),
        "diff_original_url": reverse("admin:prism_briefing_diff", args=[briefing.pk])
        + "?a=original&b=current",
        "diff_live_url": (
            reverse("admin:prism_briefing_diff", args=[briefing.pk])
            + "?a=live&b=current"
            if briefing.live_revision_id
            else ""
        ),
        "public_url": briefing.get_absolute_url()
        if briefing.status == Briefing.Status.PUBLISHED
        else "",
        "edit_metrics": _metric_rows(briefing_edit_metrics(briefing)),
        "audit_events": briefing_audit_trail(briefing, limit=15),
    }


def _metric_rows(metrics: dict[str, float] | None) -> list[dict[str, Any]]:
    if not metrics:
        return []
    return [
        {"label": label, "ratio": metrics.get(part, 0.0)}
        for part, label in PART_LABELS.items()
    ]


def history_context(request: HttpRequest, briefing: Briefing) -> dict[str, Any]:
    """Revisions, audit trail and share links for the history page."""
    user = request.user
    can_view_revisions = user.has_perm("prism.view_briefingrevision")
    revisions = (
        list(briefing.revisions.select_related("author").order_by("-number"))
        if can_view_revisions
        else []
    )
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
        "can_restore": can_edit(briefing, user)
        and briefing.status != Briefing.Status.PUBLISHED,
        "can_share": user_has_perm(user, "add_sharelink") and can_view_revisions,
        "can_revoke": user.has_perm("prism.change_sharelink"),
        "share_links": links,
        "share_max_hours": prism_settings.SHARE_LINK_MAX_AGE_HOURS,
        "audit_events": briefing_audit_trail(briefing),
    }


# --- POST actions -----------------------------------------------------------------


@require_POST
def briefing_transition_view(
    request: HttpRequest, object_id: str, action: str, *, model_admin
) -> HttpResponse:
    """Run one workflow button; permission is checked here and in the service."""
    briefing = _briefing_for(request, model_admin, object_id)
    transition = TRANSITIONS.get(action)
    if transition is None or not transition.button:
        raise Http404("알 수 없는 동작입니다.")
    if not user_has_perm(request.user, transition.permission):
        raise PermissionDenied
    comment = (request.POST.get("comment") or "").strip()
    publish_at = None
    if action == "schedule":
        raw = request.POST.get("publish_at") or ""
        publish_at = parse_datetime(raw)
        if publish_at is not None and timezone.is_naive(publish_at):
            publish_at = timezone.make_aware(publish_at)
    try:
        expected_version = int(request.POST.get("version", ""))
    except ValueError:
        expected_version = None
    try:
        briefing_transition(
            briefing=briefing,
            user=request.user,
            action=action,
            comment=comment,
            publish_at=publish_at,
            expected_version=expected_version,
        )
    except WorkflowPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect(_change_url(briefing))
    message = f"{transition.label}: {comment}" if comment else transition.label
    admin_log(user=request.user, briefing=briefing, message=message)
    messages.success(
        request,
        f"‘{transition.label}’ 완료 — 현재 상태: {briefing.get_status_display()}",
    )
    return redirect(_change_url(briefing))


@require_POST
def revision_restore_view(
    request: HttpRequest, object_id: str, number: int, *, model_admin
) -> HttpResponse:
    """Restore revision ``number`` as a new revision."""
    briefing = _briefing_for(request, model_admin, object_id)
    _require_revision_view(request)
    if not model_admin.has_change_permission(request, briefing):
        raise PermissionDenied
    try:
        base_version = int(request.POST.get("base_version", ""))
    except ValueError:
        base_version = None
    try:
        revision = revision_restore(
            briefing=briefing,
            user=request.user,
            number=number,
            base_version=base_version,
        )
    except WorkflowPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("admin:prism_briefing_history", briefing.pk)
    admin_log(
        user=request.user,
        briefing=briefing,
        message=f"v{number} 복원 → v{revision.number}",
    )
    messages.success(
        request, f"v{number}을(를) 새 버전 v{revision.number}로 복원했습니다."
    )
    return redirect(_change_url(briefing))


@require_POST
def share_link_create_view(
    request: HttpRequest, object_id: str, *, model_admin
) -> HttpResponse:
    """Create a share link to one revision (default: the current one)."""
    briefing = _briefing_for(request, model_admin, object_id)
    _require_revision_view(request)
    if not user_has_perm(request.user, "add_sharelink"):
        raise PermissionDenied
    revision = None
    if request.POST.get("revision"):
        revision = briefing.revisions.filter(pk=request.POST["revision"]).first()
        if revision is None:
            raise Http404("리비전이 없습니다.")
    try:
        hours = int(
            request.POST.get("hours") or prism_settings.SHARE_LINK_MAX_AGE_HOURS
        )
        link, token = share_link_create(
            briefing=briefing, user=request.user, revision=revision, hours=hours
        )
    except WorkflowPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("admin:prism_briefing_history", briefing.pk)
    url = request.build_absolute_uri(
        reverse("admin:prism_briefing_shared", args=[token])
    )
    admin_log(
        user=request.user,
        briefing=briefing,
        message=f"공유 링크 생성(v{link.revision.number})",
    )
    messages.success(
        request,
        format_html(
            "v{} 공유 링크를 만들었습니다({}까지): <a href='{}'>{}</a>",
            link.revision.number,
            timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"),
            url,
            url,
        ),
    )
    return redirect("admin:prism_briefing_history", briefing.pk)


@require_POST
def share_link_revoke_view(
    request: HttpRequest, link_id: int, *, model_admin
) -> HttpResponse:
    """Revoke a share link now."""
    link = ShareLink.objects.select_related("briefing").filter(pk=link_id).first()
    if link is None:
        raise Http404("공유 링크가 없습니다.")
    if not model_admin.has_view_or_change_permission(request, link.briefing):
        raise PermissionDenied
    try:
        share_link_revoke(link=link, user=request.user)
    except WorkflowPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    admin_log(user=request.user, briefing=link.briefing, message="공유 링크 취소")
    messages.success(request, "공유 링크를 취소했습니다.")
    return redirect("admin:prism_briefing_history", link.briefing_id)


# --- pages ------------------------------------------------------------------------


def _render_public_page(
    request: HttpRequest,
    briefing: Any,
    *,
    banner: str,
    status: int = 200,
) -> HttpResponse:
    """The public briefing page's own template, with a private-preview banner."""
    context = {
        "briefing": briefing,
        "canonical_url": "",
        "publisher": prism_settings.PUBLISHER,
        "prism_preview_banner": banner,
    }
    response = TemplateResponse(
        request, "admin/prism/briefing/preview.html", context, status=status
    )
    response.render()
    return _private(response)


@require_GET
def briefing_preview_view(
    request: HttpRequest, object_id: str, *, model_admin
) -> HttpResponse:
    """Exactly what the public page will show, for this briefing or one revision."""
    briefing = _briefing_for(request, model_admin, object_id)
    number = request.GET.get("revision")
    if number:
        _require_revision_view(request)
        revision = briefing.revisions.filter(number=_int_or_404(number)).first()
        if revision is None:
            raise Http404("리비전이 없습니다.")
        shown = snapshot_as_briefing(briefing, revision.content)
        banner = f"미리보기 · v{revision.number} ({revision.get_kind_display()})"
    else:
        shown = Briefing.objects.with_content().get(pk=briefing.pk)
        banner = f"미리보기 · {briefing.get_status_display()} · v{briefing.version}"
    return _render_public_page(request, shown, banner=banner + " · 비공개")


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise Http404("잘못된 번호입니다.") from error


def _side(
    briefing: Briefing, key: str
) -> tuple[str, dict[str, Any] | None, BriefingRevision | None]:
    """A diff side by name: original, live, current or v<number>."""
    if key == "original":
        revision = revision_original(briefing)
        return "AI 원본", (revision.content if revision else None), revision
    if key == "live":
        revision = briefing.live_revision
        return "게시 중", (revision.content if revision else None), revision
    if key == "current":
        return f"현재(v{briefing.version})", briefing_snapshot(briefing), None
    if key.startswith("v"):
        revision = briefing.revisions.filter(number=_int_or_404(key[1:])).first()
        if revision is None:
            raise Http404("리비전이 없습니다.")
        return f"v{revision.number}", revision.content, revision
    raise Http404("알 수 없는 비교 대상입니다.")


@require_GET
def briefing_diff_view(
    request: HttpRequest, object_id: str, *, model_admin
) -> HttpResponse:
    """Word-level differences between two states of a briefing."""
    briefing = _briefing_for(request, model_admin, object_id)
    _require_revision_view(request)
    a_key = request.GET.get("a") or "original"
    b_key = request.GET.get("b") or "current"
    a_label, a_content, _a_revision = _side(briefing, a_key)
    b_label, b_content, _b_revision = _side(briefing, b_key)
    parts = (
        snapshot_diff(a_content, b_content)
        if a_content is not None and b_content is not None
        else []
    )
    show_all = request.GET.get("all") == "1"
    choices = [("original", "AI 원본"), ("live", "게시 중"), ("current", "현재")]
    choices += [
        (f"v{n}", f"v{n}")
        for n in briefing.revisions.order_by("-number").values_list("number", flat=True)
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"변경 비교: {briefing}",
        "briefing": briefing,
        "a_key": a_key,
        "b_key": b_key,
        "a_label": a_label,
        "b_label": b_label,
        "missing": [
            label
            for label, content in [(a_label, a_content), (b_label, b_content)]
            if content is None
        ],
        "parts": parts if show_all else [p for p in parts if p.changed],
        "changed_count": sum(1 for p in parts if p.changed),
        "total_count": len(parts),
        "show_all": show_all,
        "choices": choices,
        "change_url": _change_url(briefing),
    }
    response = TemplateResponse(request, "admin/prism/briefing/diff.html", context)
    response.render()
    return _private(response)


@require_GET
def edit_metrics_view(request: HttpRequest, *, model_admin) -> HttpResponse:
    """How much editors changed the AI drafts, per reader type over time."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    period = "month" if request.GET.get("period") == "month" else "week"
    weeks = 26 if period == "week" else 52
    since = timezone.localdate() - dt.timedelta(weeks=weeks)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "AI 초안 수정 비율",
        "rows": edit_metrics_summary(since=since, period=period),
        "briefings": [
            {
                "briefing": briefing,
                "url": _change_url(briefing),
                "ratios": [metrics.get(part, 0.0) for part in PART_LABELS],
            }
            for briefing, metrics in edit_metrics_per_briefing(since=since, limit=60)
        ],
        "part_labels": PART_LABELS,
        "period": period,
        "since": since,
    }
    return TemplateResponse(request, "admin/prism/briefing/edit_metrics.html", context)


@require_GET
def shared_preview_view(request: HttpRequest, token: str) -> HttpResponse:
    """An outside reviewer's read-only view of one revision (signed token)."""
    try:
        link = share_link_resolve(token)
    except ShareLinkInvalid as error:
        response = TemplateResponse(
            request,
            "admin/prism/briefing/shared_invalid.html",
            {"reason": str(error)},
            status=404,
        )
        response.render()
        return _private(response)
    shown = snapshot_as_briefing(link.briefing, link.revision.content)
    expires = timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")
    banner = f"외부 검토용 미리보기 · v{link.revision.number} · {expires}까지 유효"
    return _render_public_page(request, shown, banner=banner)
