"""The "AI로 다시 쓰기" button: a POST view that rewrites one part with the composer.

Separate from the change form's own buttons on purpose: the model is called outside
any transaction (a slow server must not hold the database), so this view does not
save the typed form first. The button posts ``part`` ("lead", "section:N",
"keywords", "item:N"), the ``base_version`` the editor saw and, after the editor
was asked, ``overwrite=1`` to replace a part a person edited.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from prism.admin.errors import report_service_error
from prism.admin.panels import change_url
from prism.admin.views import briefing_for, int_or_none
from prism.services.rewrite import briefing_part_rewrite, rewrite_label
from prism.services.workflow import WorkflowError


@require_POST
def briefing_rewrite_view(
    request: HttpRequest, object_id: str, *, model_admin
) -> HttpResponse:
    """Rewrite ``part`` of the briefing with the AI composer, then show the form."""
    briefing = briefing_for(request, model_admin, object_id)
    part = (request.POST.get("part") or "").strip()
    try:
        briefing_part_rewrite(
            briefing=briefing,
            user=request.user,
            base_version=int_or_none(request.POST.get("base_version")),
            part=part,
            overwrite=request.POST.get("overwrite") == "1",
        )
    except WorkflowError as error:
        report_service_error(request, error)
    else:
        messages.success(
            request,
            f"{rewrite_label(part)}을(를) AI로 다시 썼습니다(v{briefing.version}). "
            "출처로 확인된 문장만 남겼습니다.",
        )
    anchor = ""
    if part.startswith("section:"):
        anchor = f"#part-section-{part.split(':', 1)[1]}"
    elif part.startswith("item:"):
        anchor = "#items-group"
    return redirect(change_url(briefing) + anchor)
