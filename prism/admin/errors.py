"""Service errors as admin messages, and Korean 403/404 pages in the admin's style."""

from __future__ import annotations

import functools

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from prism.services.editing import PersonEditedPart
from prism.services.workflow import (
    EditConflict,
    PublishGuardError,
    WorkflowError,
    WorkflowPermissionDenied,
)

FORBIDDEN = "이 화면을 볼 권한이 없습니다."
NOT_FOUND = "찾는 화면이나 브리핑이 없습니다."


def report_service_error(request: HttpRequest, error: WorkflowError) -> None:
    """Show why a service refused, as one message (a 403 for missing permissions)."""
    if isinstance(error, WorkflowPermissionDenied):
        raise PermissionDenied(str(error)) from error
    if isinstance(error, PublishGuardError):
        messages.error(
            request, "발행 조건을 채우지 못했습니다: " + " ".join(error.problems)
        )
    elif isinstance(error, EditConflict | PersonEditedPart):
        messages.warning(request, str(error))
    else:
        messages.error(request, str(error))


def error_page(request: HttpRequest, *, status: int, detail: str = "") -> HttpResponse:
    """The admin's own 403/404 page, in Korean, with the way back."""
    title = "권한이 없습니다" if status == 403 else "찾을 수 없습니다"
    context = {
        **admin.site.each_context(request),
        "title": title,
        "status": status,
        "detail": detail or (FORBIDDEN if status == 403 else NOT_FOUND),
    }
    response = TemplateResponse(
        request, "admin/prism/error.html", context, status=status
    )
    response.render()
    return response


def _detail(error: Exception) -> str:
    text = str(error)
    # Django's own messages are English developer text; only ours are shown.
    return text if any("\uac00" <= ch <= "\ud7a3" for ch in text) else ""


def korean_errors(view):
    """Render PermissionDenied / Http404 raised by ``view`` as the Korean pages."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return error_page(request, status=403, detail=_detail(error))
        except Http404 as error:
            return error_page(request, status=404, detail=_detail(error))

    return wrapper


class KoreanErrorPagesMixin:
    """ModelAdmin views answer 403/404 with the Korean admin pages."""

    def changeform_view(self, request, *args, **kwargs):
        return korean_errors(super().changeform_view)(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return korean_errors(super().changelist_view)(request, *args, **kwargs)

    def history_view(self, request, *args, **kwargs):
        return korean_errors(super().history_view)(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return korean_errors(super().delete_view)(request, *args, **kwargs)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's own message glues particles onto the model name ("지닌브리핑이/가").
        messages.warning(
            request,
            f"찾는 {opts.verbose_name}이(가) 없습니다. 이미 삭제되었을 수 있습니다.",
        )
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        )


class ReadOnlyAdminMixin(KoreanErrorPagesMixin):
    """Records that are never added, edited or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
