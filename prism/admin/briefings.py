"""The briefing admin: the editor's change form, its buttons and the queue.

Every save and every button goes through ``prism.services`` (which check
permissions and versions themselves). A button on the change form saves the typed
text and applies its step in one transaction; if either is refused, nothing is
written and the form comes back with the text as typed and the reason.
"""

from __future__ import annotations

import json
import re
from functools import partial, update_wrapper

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from prism.admin import rewrite_views, selection_views, views
from prism.admin.conflicts import conflict_merge
from prism.admin.errors import KoreanErrorPagesMixin, korean_errors
from prism.admin.filters import ChoicesFilter, DateFilter, RelatedFilter, SimpleFilter
from prism.admin.forms import BriefingAdminForm
from prism.admin.inlines import (
    BriefingItemInline,
    BriefingSectionInline,
    changed_parts,
    edit_data_from_forms,
)
from prism.admin.panels import (
    change_url,
    history_context,
    part_words,
    parts_sentence,
    status_counts,
    workflow_context,
)
from prism.admin.views import BadInput, int_or_none, parse_publish_at
from prism.models import Briefing
from prism.services import editing
from prism.services.presence import presence_message, presence_touch
from prism.services.workflow import (
    TRANSITIONS,
    WorkflowError,
    WorkflowPermissionDenied,
    briefing_correct,
    briefing_save_edit,
    can_edit,
    publish_problems,
)

Status = Briefing.Status


class StepRefused(Exception):
    """A button's step (or its save) was refused; everything was rolled back."""

    def __init__(self, error: WorkflowError) -> None:
        self.error = error
        super().__init__(str(error))


class EditedFilter(SimpleFilter):
    title = _("사람 수정 여부")
    parameter_name = "edited"

    def lookups(self, request, model_admin):
        return [("yes", _("사람이 수정함")), ("no", _("AI 초안 그대로"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(human_edited=True)
        if self.value() == "no":
            return queryset.filter(human_edited=False)
        return queryset


STATUS_RANK = {
    Status.IN_REVIEW: 0,
    Status.DRAFT: 1,
    Status.APPROVED: 2,
    Status.SCHEDULED: 3,
    Status.PUBLISHED: 4,
    Status.UNPUBLISHED: 5,
    Status.SPIKED: 6,
}


@admin.register(Briefing)
class BriefingAdmin(KoreanErrorPagesMixin, admin.ModelAdmin):
    form = BriefingAdminForm
    change_form_template = "admin/prism/briefing/change_form.html"
    change_list_template = "admin/prism/briefing/change_list.html"
    object_history_template = "admin/prism/briefing/object_history.html"
    list_display = [
        "title_display",
        "reader_type",
        "edition_date",
        "status_display",
        "human_edited",
        "quality_display",
        "version",
        "publish_at",
        "tools",
    ]
    list_display_links = ["title_display"]
    list_filter = [
        ("status", ChoicesFilter),
        ("reader_type", RelatedFilter),
        ("edition_date", DateFilter),
        EditedFilter,
    ]
    search_fields = ["headline", "keywords"]
    search_help_text = _("제목·리드·기사 제목·키워드로 찾습니다.")
    date_hierarchy = "edition_date"
    list_select_related = ["reader_type"]
    inlines = [BriefingSectionInline, BriefingItemInline]
    # The action bar sticks to the bottom of the window instead.
    save_on_top = False
    # The change form links the public page itself, and only once it is published.
    view_on_site = False
    fieldsets = [
        (
            _("브리핑"),
            {"fields": list(Briefing.EDITABLE_FIELDS)},
        ),
        (_("정정"), {"fields": ["correction_note"]}),
        (
            _("상태"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("reader_type", "edition_date"),
                    ("status", "version", "approved_version", "human_edited"),
                    ("publish_at", "published_at"),
                ],
            },
        ),
        (
            _("생성 정보"),
            {
                "classes": ["collapse"],
                "fields": [
                    "generation_run",
                    "generation_notes",
                    ("created_at", "updated_at"),
                ],
            },
        ),
    ]
    # Workflow fields change only through transitions, never through the form.
    workflow_readonly = [
        "reader_type",
        "edition_date",
        "status",
        "version",
        "approved_version",
        "human_edited",
        "publish_at",
        "published_at",
        "generation_run",
        "generation_notes",
        "created_at",
        "updated_at",
    ]

    # --- permissions ----------------------------------------------------------

    def has_add_permission(self, request):
        # Briefings come from the generator; people edit them, never create them.
        return False

    def has_delete_permission(self, request, obj=None):
        # Briefings are never deleted: spike them instead so the record is kept.
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_edit(obj, request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.workflow_readonly)
        if obj is None or obj.status != Status.PUBLISHED:
            readonly.append("correction_note")
        return readonly

    # --- changelist -------------------------------------------------------------

    def get_ordering(self, request):
        # Today's queue first, then newest editions; within a day, what needs a
        # person now (in review, drafts) before what is done.
        today = timezone.localdate()
        queue = Case(
            When(edition_date=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        status_rank = Case(
            *[When(status=s, then=Value(r)) for s, r in STATUS_RANK.items()],
            default=Value(9),
            output_field=IntegerField(),
        )
        return [
            queue.asc(),
            F("edition_date").desc(),
            status_rank.asc(),
            "reader_type__ordering",
        ]

    def get_search_results(self, request, queryset, search_term):
        terms = [t for t in search_term.split() if t]
        if not terms:
            return queryset, False
        condition = Q()
        for term in terms:
            # Keywords are JSON; some databases store non-ASCII text \u-escaped.
            escaped = json.dumps(term)[1:-1]
            condition &= (
                Q(headline__icontains=term)
                | Q(lead__icontains=term)
                | Q(items__headline__icontains=term)
                | Q(keywords__icontains=term)
                | Q(keywords__icontains=escaped)
            )
        return queryset.filter(condition), True

    @admin.display(description=_("브리핑"), ordering="edition_date")
    def title_display(self, obj: Briefing):
        return obj.headline or str(obj)

    @admin.display(description=_("상태"), ordering="status")
    def status_display(self, obj: Briefing):
        return format_html(
            '<span class="prism-status prism-status-{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("품질 점검"))
    def quality_display(self, obj: Briefing):
        count = len(obj.quality_findings or [])
        return f"{count}건" if count else "-"

    @admin.display(description=_("바로 가기"))
    def tools(self, obj: Briefing):
        return format_html(
            '<a href="{}">미리보기</a> · <a href="{}">AI 원본과 비교</a> · '
            '<a href="{}">기록</a>',
            reverse("admin:prism_briefing_preview", args=[obj.pk]),
            reverse("admin:prism_briefing_diff", args=[obj.pk])
            + "?a=original&b=current",
            reverse("admin:prism_briefing_history", args=[obj.pk]),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {
            "title": "브리핑",
            "status_counts": status_counts(self.get_queryset(request)),
            "today": timezone.localdate(),
            "metrics_url": reverse("admin:prism_briefing_metrics"),
        }
        return super().changelist_view(request, extra_context)

    # --- change form ------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        attrs = {
            "editing_user": request.user,
            "refusal": getattr(request, "prism_refusal", None),
        }
        return type(form.__name__, (form,), attrs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if obj is not None and self.has_view_or_change_permission(request, obj):
            extra_context |= workflow_context(request, obj)
            extra_context["title"] = (
                "브리핑 편집" if can_edit(obj, request.user) else "브리핑 보기"
            )
            if request.method == "POST":
                extra_context |= self._merge_on_conflict(request, obj)
            names = presence_touch(briefing_id=obj.pk, user=request.user)
            extra_context["others_editing"] = presence_message(names)
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except StepRefused as refused:
            # Rolled back: show the form again as typed, with the reason.
            request.prism_refusal = refused.error
            step = request.POST.get("_prism", "").partition("!")[0]
            if isinstance(refused.error, editing.PersonEditedPart):
                extra_context["overwrite_step"] = step
            return super().change_view(request, object_id, form_url, extra_context)

    def _merge_on_conflict(self, request, obj: Briefing) -> dict:
        """A save based on an old version: keep what this person typed, take the
        rest from the current version, and show both side by side."""
        base = int_or_none(request.POST.get("base_version"))
        if base is None or base == obj.version:
            return {}
        merged, rows = conflict_merge(request.POST, obj, base)
        request.POST = merged
        return {"conflict_rows": rows, "conflict_version": obj.version}

    def save_model(self, request, obj, form, change):
        # Written by save_related through the services, in one step.
        pass

    def save_related(self, request, form, formsets, change):
        briefing = form.instance
        step = request.POST.get("_prism", "")
        changed = changed_parts(form, formsets)
        request.prism_changed = changed
        data = edit_data_from_forms(form, formsets) if changed else None
        base_version = form.cleaned_data["base_version"]
        before = briefing.status
        try:
            with transaction.atomic():
                if step.startswith("workflow:"):
                    self._transition(request, briefing, step, data, base_version, form)
                else:
                    self._save(request, briefing, data, base_version, form)
                    if step:
                        self._selection_step(request, briefing, step)
        except WorkflowPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except WorkflowError as error:
            raise StepRefused(error) from error
        if (
            data
            and before in (Status.APPROVED, Status.SCHEDULED)
            and (briefing.status == Status.IN_REVIEW)
        ):
            messages.warning(
                request,
                "승인 후 내용이 바뀌어 다시 ‘검토 중’ 상태가 되었습니다. "
                "다시 승인을 받아야 발행할 수 있습니다.",
            )

    def _save(self, request, briefing, data, base_version, form) -> None:
        if data is None:
            return
        if briefing.status == Status.PUBLISHED:
            briefing_correct(
                briefing=briefing,
                user=request.user,
                data=data,
                base_version=base_version,
                correction_note=form.cleaned_data.get("correction_note") or "",
            )
            request.prism_done = "정정을 발행했습니다. 독자에게 정정 안내가 보입니다."
            return
        briefing_save_edit(
            briefing=briefing, user=request.user, data=data, base_version=base_version
        )

    def _transition(self, request, briefing, step, data, base_version, form) -> None:
        action = step.split(":", 1)[1]
        transition = TRANSITIONS.get(action)
        if action != "withdraw" and (transition is None or not transition.button):
            raise WorkflowError("알 수 없는 동작입니다.")
        try:
            publish_at = (
                parse_publish_at(request.POST.get("_prism_publish_at") or "")
                if action == "schedule"
                else None
            )
        except BadInput as error:
            raise WorkflowError(str(error)) from error
        comment = (request.POST.get("_prism_comment") or "").strip()
        editing.briefing_save_and_transition(
            briefing=briefing,
            user=request.user,
            action=action,
            data=data,
            base_version=base_version,
            comment=comment,
            publish_at=publish_at,
            correction_note=form.cleaned_data.get("correction_note") or "",
        )
        label = transition.label if transition else "검토 요청 취소"
        done = f"‘{label}’ 완료 — 지금 상태: {briefing.get_status_display()}"
        if data:
            done = f"저장하고 {done}"
        problems = publish_problems(briefing) if action == "submit" else []
        if problems:
            messages.warning(
                request,
                f"발행 전에 보완할 점이 {len(problems)}가지 남아 있습니다: "
                + " ".join(problems),
            )
        request.prism_done = done
        request.prism_log = f"{label}: {comment}" if comment else label

    def _selection_step(self, request, briefing, step) -> None:
        step, _mark, confirmed = step.partition("!")
        overwrite = confirmed == "overwrite"
        kind, _sep, arg = step.partition(":")
        valid = (
            (kind in ("up", "down", "remove") and arg.isdigit())
            or (kind == "pick" and (arg == "add" or arg.isdigit()))
            or (kind == "recompose" and re.fullmatch(r"lead|keywords|section:\d+", arg))
            or (kind == "regenerate" and not arg)
        )
        if not valid:
            raise WorkflowError("알 수 없는 동작입니다. 페이지를 새로고침해 주세요.")
        common = {
            "briefing": briefing,
            "user": request.user,
            "base_version": briefing.version,
        }
        if kind in ("up", "down"):
            editing.briefing_item_move(
                **common, rank=int(arg), offset=-1 if kind == "up" else 1
            )
            done = f"{arg}번 기사를 옮겼습니다."
        elif kind == "remove":
            editing.briefing_item_remove(**common, rank=int(arg))
            done = f"{arg}번 기사를 뺐습니다."
        elif kind == "recompose":
            editing.briefing_recompose_part(**common, part=arg, overwrite=overwrite)
            done = f"{part_words(arg)}을(를) 지금 기사로 다시 썼습니다."
        elif kind == "regenerate":
            editing.briefing_regenerate(**common, overwrite=overwrite)
            done = "AI 초안을 다시 만들었습니다."
        elif kind == "pick":
            done = "저장했습니다. 넣을 기사를 고르세요."
        else:
            raise WorkflowError("알 수 없는 동작입니다.")
        request.prism_done = f"{done} (v{briefing.version})"
        request.prism_log = done

    def construct_change_message(self, request, form, formsets, add=False):
        parts = getattr(request, "prism_changed", None) or changed_parts(form, formsets)
        return f"{parts_sentence(parts)}을(를) 고쳤습니다." if parts else ""

    def log_change(self, request, obj, message):
        message = " · ".join(
            m for m in [message, getattr(request, "prism_log", "")] if m
        )
        if message:
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        done = getattr(request, "prism_done", None) or f"저장했습니다(v{obj.version})."
        messages.success(request, done)
        step = request.POST.get("_prism", "").partition("!")[0]
        if step.startswith("pick:"):
            rank = step.split(":", 1)[1]
            query = f"?rank={rank}" if rank != "add" else ""
            return redirect(
                reverse("admin:prism_briefing_item_pick", args=[obj.pk]) + query
            )
        if "_save" in request.POST:
            return redirect("admin:prism_briefing_changelist")
        anchor = ""
        if step.startswith(("up:", "down:", "remove:")):
            anchor = "#items-group"
        elif step.startswith("recompose:section:"):
            anchor = f"#part-section-{step.rsplit(':', 1)[1]}"
        return redirect(change_url(obj) + anchor)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            extra_context = (extra_context or {}) | history_context(request, obj)
            extra_context["title"] = f"기록: {obj}"
        return super().history_view(request, object_id, extra_context)

    def get_urls(self):
        def wrap(view, **kwargs):
            return self.admin_site.admin_view(
                korean_errors(
                    update_wrapper(partial(view, model_admin=self, **kwargs), view)
                )
            )

        return [
            path(
                "<path:object_id>/transition/<slug:action>/",
                wrap(views.briefing_transition_view),
                name="prism_briefing_transition",
            ),
            path(
                "<path:object_id>/preview/",
                wrap(views.briefing_preview_view),
                name="prism_briefing_preview",
            ),
            path(
                "<path:object_id>/diff/",
                wrap(views.briefing_diff_view),
                name="prism_briefing_diff",
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                wrap(views.revision_restore_view),
                name="prism_briefing_restore_revision",
            ),
            path(
                "<path:object_id>/share/",
                wrap(views.share_link_create_view),
                name="prism_briefing_share",
            ),
            path(
                "<path:object_id>/rewrite/",
                wrap(rewrite_views.briefing_rewrite_view),
                name="prism_briefing_rewrite",
            ),
            path(
                "<path:object_id>/editing/",
                wrap(views.editing_presence_view),
                name="prism_briefing_presence",
            ),
            path(
                "<path:object_id>/items/pick/",
                wrap(selection_views.item_picker_view),
                name="prism_briefing_item_pick",
            ),
            path(
                "<path:object_id>/items/choose/",
                wrap(selection_views.item_choose_view),
                name="prism_briefing_item_choose",
            ),
            path(
                "share-links/<int:link_id>/revoke/",
                wrap(views.share_link_revoke_view),
                name="prism_sharelink_revoke",
            ),
            path(
                "desk/generate/",
                wrap(views.desk_generate_view),
                name="prism_briefing_desk_generate",
            ),
            path(
                "edit-metrics/",
                wrap(views.edit_metrics_view),
                name="prism_briefing_metrics",
            ),
            # Outside reviewers have no account: the signed token is the permission.
            path(
                "shared/<str:token>/",
                views.shared_preview_view,
                name="prism_briefing_shared",
            ),
            *super().get_urls(),
        ]
