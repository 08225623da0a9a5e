"""Choosing the briefing's articles: the candidate picker and its POST actions.

The change form's own buttons (move, remove, recompose, regenerate) save the typed
text first and are handled by ``BriefingAdmin``; replacing or adding an item goes
through the picker below, reached from those buttons after the save.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from prism.admin.errors import report_service_error
from prism.admin.panels import change_url, selection_reason_sentence
from prism.admin.views import briefing_for, int_or_none
from prism.models import Article, Briefing
from prism.services.editing import briefing_item_add, briefing_item_replace
from prism.services.workflow import WorkflowError, can_edit

PICKER_CANDIDATES = 20
SEARCH_RESULTS = 30


def _editable_briefing(request, model_admin, object_id) -> Briefing:
    briefing = briefing_for(request, model_admin, object_id)
    if (
        not can_edit(briefing, request.user)
        or briefing.status == Briefing.Status.PUBLISHED
    ):
        raise PermissionDenied("이 브리핑의 기사 구성을 바꿀 권한이 없습니다.")
    return briefing


def _ranked_candidates(briefing: Briefing, used: set[int]) -> list[dict[str, Any]]:
    """This reader type's best articles of the edition not already in the briefing."""
    from prism.services.selection import (
        briefing_select,
        candidate_pool,
        matched_keywords,
    )

    pool = candidate_pool(briefing.edition_date)
    selection = briefing_select(
        reader_type=briefing.reader_type,
        edition_date=briefing.edition_date,
        pool=pool,
    )
    rows = []
    seen = set(used)
    for item in selection.items:
        if item.article.pk in seen:
            continue
        seen.add(item.article.pk)
        rows.append(_row(briefing, item.article, item.selection_reason))
    # Then the rest of the window by how well it matches the interests.
    interests = briefing.reader_type.interests or {}
    scored = []
    for article in pool.articles:
        if article.pk in seen:
            continue
        keywords = matched_keywords(article, interests)
        scored.append((-len(keywords), article.pk, article, keywords))
    scored.sort(key=lambda row: (row[0], -row[1]))
    for _, _, article, keywords in scored[: PICKER_CANDIDATES - len(rows)]:
        reason = {"matched_keywords": keywords, "section": article.section}
        rows.append(_row(briefing, article, reason))
    return rows


def _row(briefing: Briefing, article: Article, reason: dict[str, Any]):
    return {
        "article": article,
        "reason": reason,
        "reason_text": selection_reason_sentence(reason, briefing.reader_type),
    }


def _search(briefing: Briefing, query: str, used: set[int]) -> list[dict[str, Any]]:
    """Articles of the edition's window (and a week before) matching ``query``."""
    from prism.services.selection import edition_window

    window = edition_window(briefing.edition_date)
    articles = (
        Article.objects.filter(
            published_at__lte=window.end,
            published_at__gte=window.start - (window.end - window.start) * 4,
            duplicate_of__isnull=True,
        )
        .filter(Q(headline__icontains=query) | Q(body__icontains=query))
        .exclude(pk__in=used)
        .order_by("-published_at")[:SEARCH_RESULTS]
    )
    return [
        _row(briefing, a, {"section": a.section, "reason": "검색으로 찾은 기사"})
        for a in articles
    ]


@require_GET
def item_picker_view(
    request: HttpRequest, object_id: str, *, model_admin
) -> HttpResponse:
    """Candidates to replace item ``rank`` with (or to add), with their reasons."""
    briefing = _editable_briefing(request, model_admin, object_id)
    rank = int_or_none(request.GET.get("rank"))
    item = briefing.items.filter(rank=rank).first() if rank else None
    if rank and item is None:
        raise Http404("바꿀 기사가 없습니다.")
    used = set(
        briefing.items.exclude(article=None).values_list("article_id", flat=True)
    )
    query = (request.GET.get("q") or "").strip()
    rows = (
        _search(briefing, query, used) if query else _ranked_candidates(briefing, used)
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"{rank}번 기사 바꾸기" if item else "기사 추가",
        "briefing": briefing,
        "item": item,
        "rank": rank or "",
        "query": query,
        "rows": rows,
        "change_url": change_url(briefing),
        "action_url": reverse("admin:prism_briefing_item_choose", args=[briefing.pk]),
    }
    return TemplateResponse(request, "admin/prism/briefing/item_picker.html", context)


@require_POST
def item_choose_view(
    request: HttpRequest, object_id: str, *, model_admin
) -> HttpResponse:
    """Put the chosen article in place of item ``rank``, or add it."""
    briefing = _editable_briefing(request, model_admin, object_id)
    article = Article.objects.filter(
        pk=int_or_none(request.POST.get("article"))
    ).first()
    if article is None:
        messages.error(request, "고른 기사를 찾을 수 없습니다.")
        return redirect(change_url(briefing))
    rank = int_or_none(request.POST.get("rank"))
    base_version = int_or_none(request.POST.get("base_version"))
    reason = {
        "matched_keywords": request.POST.getlist("matched_keywords"),
        "section": article.section,
    }
    try:
        if rank:
            briefing_item_replace(
                briefing=briefing,
                user=request.user,
                base_version=base_version,
                rank=rank,
                article=article,
                reason=reason,
            )
            done = f"{rank}번 기사를 ‘{article.headline}’(으)로 바꿨습니다."
        else:
            briefing_item_add(
                briefing=briefing,
                user=request.user,
                base_version=base_version,
                article=article,
                reason=reason,
            )
            done = f"‘{article.headline}’을(를) 추가했습니다."
    except WorkflowError as error:
        report_service_error(request, error)
        return redirect(change_url(briefing))
    messages.success(request, done + f" (v{briefing.version})")
    return redirect(change_url(briefing) + (f"#part-item-{rank}" if rank else ""))
