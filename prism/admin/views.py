"""The briefing admin's own pages and POST actions, one function per view.

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
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from prism.admin.errors import report_service_error
from prism.admin.panels import change_url
from prism.conf import prism_settings
from prism.models import Briefing, BriefingRevision, ShareLink
from prism.services.audit import admin_log
from prism.services.diffs import snapshot_diff
from prism.services.edit_metrics import (
    PART_LABELS,
    edit_metrics_per_briefing,
    edit_metrics_summary,
)
from prism.services.editing import briefing_save_and_transition
from prism.services.presence import (
    presence_leave,
    presence_message,
    presence_touch,
)
from prism.services.revisions import (
    briefing_snapshot,
    revision_original,
    snapshot_as_briefing,
)
from prism.services.share_links import (
    ShareLinkInvalid,
    share_link_create,
    share_link_resolve,
    share_link_revoke,
)
from prism.services.workflow import (
    TRANSITIONS,
    WorkflowError,
    WorkflowPermissionDenied,
    revision_restore,
    user_has_perm,
)

# --- shared helpers ---------------------------------------------------------------


def briefing_for(request: HttpRequest, model_admin, object_id: str) -> Briefing:
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


def int_or_none(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class BadInput(ValueError):
    """A form value that cannot be read; the message is for editors."""


def parse_publish_at(raw: str) -> dt.datetime | None:
    """The schedule form's local date and time, or BadInput saying what is wrong."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError as error:
        raise BadInput(
            f"발행 예약 시각 ‘{raw}’을(를) 읽을 수 없습니다. 있는 날짜와 시각을 "
            "‘2030-01-01 09:00’ 꼴로 입력하세요."
        ) from error
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- POST actions -----------------------------------------------------------------


@require_POST
def briefing_transition_view(
    request: HttpRequest, object_id: str, action: str, *, model_admin
) -> HttpResponse:
    """Run one workflow button; permission is checked here and in the service."""
    briefing = briefing_for(request, model_admin, object_id)
    transition = TRANSITIONS.get(action)
    if action != "withdraw":
        if transition is None or not transition.button:
            raise Http404("알 수 없는 동작입니다.")
        if not user_has_perm(request.user, transition.permission):
            raise PermissionDenied
    label = transition.label if transition else "검토 요청 취소"
    comment = (request.POST.get("comment") or "").strip()
    try:
        publish_at = (
            parse_publish_at(request.POST.get("publish_at") or "")
            if action == "schedule"
            else None
        )
    except BadInput as error:
        messages.error(request, str(error))
        return redirect(change_url(briefing))
    try:
        briefing_save_and_transition(
            briefing=briefing,
            user=request.user,
            action=action,
            data=None,
            base_version=int_or_none(request.POST.get("version")),
            comment=comment,
            publish_at=publish_at,
        )
    except WorkflowError as error:
        report_service_error(request, error)
        return redirect(change_url(briefing))
    message = f"{label}: {comment}" if comment else label
    admin_log(user=request.user, briefing=briefing, message=message)
    messages.success(
        request, f"‘{label}’ 완료 — 현재 상태: {briefing.get_status_display()}"
    )
    return redirect(change_url(briefing))


@require_POST
def revision_restore_view(
    request: HttpRequest, object_id: str, number: int, *, model_admin
) -> HttpResponse:
    """Restore revision ``number`` as a new revision."""
    briefing = briefing_for(request, model_admin, object_id)
    _require_revision_view(request)
    if not model_admin.has_change_permission(request, briefing):
        raise PermissionDenied
    try:
        revision = revision_restore(
            briefing=briefing,
            user=request.user,
            number=number,
            base_version=int_or_none(request.POST.get("base_version")),
        )
    except WorkflowError as error:
        report_service_error(request, error)
        return redirect("admin:prism_briefing_history", briefing.pk)
    admin_log(
        user=request.user,
        briefing=briefing,
        message=f"v{number}을(를) v{revision.number}로 복원했습니다.",
    )
    messages.success(
        request, f"v{number}을(를) 새 버전 v{revision.number}로 복원했습니다."
    )
    return redirect(change_url(briefing))


@require_POST
def share_link_create_view(
    request: HttpRequest, object_id: str, *, model_admin
) -> HttpResponse:
    """Create a share link to one revision (default: the current one)."""
    briefing = briefing_for(request, model_admin, object_id)
    _require_revision_view(request)
    if not user_has_perm(request.user, "add_sharelink"):
        raise PermissionDenied
    history = redirect("admin:prism_briefing_history", briefing.pk)
    revision = None
    raw_revision = (request.POST.get("revision") or "").strip()
    if raw_revision:
        revision_id = int_or_none(raw_revision)
        revision = (
            briefing.revisions.filter(pk=revision_id).first()
            if revision_id is not None
            else None
        )
        if revision is None:
            messages.error(request, "공유할 버전을 찾을 수 없습니다. 다시 골라 주세요.")
            return history
    hours = int_or_none(
        request.POST.get("hours") or prism_settings.SHARE_LINK_MAX_AGE_HOURS
    )
    if hours is None:
        messages.error(request, "유효 시간은 시간 단위의 숫자로 입력하세요.")
        return history
    try:
        link, token = share_link_create(
            briefing=briefing, user=request.user, revision=revision, hours=hours
        )
    except WorkflowPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except ValueError as error:
        messages.error(request, str(error))
        return history
    url = request.build_absolute_uri(
        reverse("admin:prism_briefing_shared", args=[token])
    )
    admin_log(
        user=request.user,
        briefing=briefing,
        message=f"v{link.revision.number} 공유 링크를 만들었습니다.",
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
    return history


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
    admin_log(
        user=request.user, briefing=link.briefing, message="공유 링크를 취소했습니다."
    )
    messages.success(request, "공유 링크를 취소했습니다.")
    return redirect("admin:prism_briefing_history", link.briefing_id)


@require_POST
def editing_presence_view(
    request: HttpRequest, object_id: str, *, model_admin
) -> HttpResponse:
    """The change form's ping: who else has this briefing open (or: I left)."""
    briefing = briefing_for(request, model_admin, object_id)
    if request.POST.get("leave"):
        presence_leave(briefing_id=briefing.pk, user=request.user)
        return JsonResponse({"message": ""})
    names = presence_touch(briefing_id=briefing.pk, user=request.user)
    return JsonResponse({"message": presence_message(names), "others": names})


@require_POST
def desk_generate_view(request: HttpRequest, *, model_admin) -> HttpResponse:
    """From the desk: start today's draft for a reader type that has none yet."""
    if not user_has_perm(request.user, "add_generationrun"):
        raise PermissionDenied("초안 생성을 시작할 권한이 없습니다.")
    from prism.models import ReaderType
    from prism.services.generation import generation_enqueue

    reader_type = ReaderType.objects.filter(
        pk=int_or_none(request.POST.get("reader_type")), is_active=True
    ).first()
    if reader_type is None:
        messages.error(request, "독자 유형을 찾을 수 없습니다.")
        return redirect("admin:index")
    run = generation_enqueue(
        edition_date=timezone.localdate(),
        reader_types=[reader_type],
        requested_by=request.user,
    )
    messages.success(
        request,
        f"{reader_type.name} 초안 생성을 시작했습니다(생성 작업 #{run.pk}). "
        "끝나면 이 목록에 나타납니다.",
    )
    return redirect("admin:index")


# --- pages ------------------------------------------------------------------------


def _render_public_page(
    request: HttpRequest, briefing: Any, *, banner: str, status: int = 200
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


def _int_or_404(value: str) -> int:
    number = int_or_none(value)
    if number is None:
        raise Http404("잘못된 번호입니다.")
    return number


@require_GET
def briefing_preview_view(
    request: HttpRequest, object_id: str, *, model_admin
) -> HttpResponse:
    """Exactly what the public page will show, for this briefing or one revision."""
    briefing = briefing_for(request, model_admin, object_id)
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
    briefing = briefing_for(request, model_admin, object_id)
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
        "change_url": change_url(briefing),
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
                "url": change_url(briefing),
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
