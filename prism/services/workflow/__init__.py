"""The editorial state machine: every transition and edit of a briefing goes here.

States: draft → in_review → approved → (scheduled →) published → unpublished, plus
in_review → draft ("needs changes"), draft/in_review → spiked → draft (restore) and
published → published (correction). The admin, the API, tasks and commands all call
these functions; each one checks the acting user's permission itself, locks the row,
re-checks the state it read and writes an AuditEvent.

``user=None`` means the system (the scheduled publisher); faces always pass the
request's user, and an anonymous user has no permissions.
"""

from prism.services.workflow.edits import (
    briefing_correct,
    briefing_save_edit,
    new_version_after_edit,
    revision_restore,
)
from prism.services.workflow.errors import (
    CommentRequired,
    EditConflict,
    IllegalTransition,
    PublishGuardError,
    WorkflowError,
    WorkflowPermissionDenied,
)
from prism.services.workflow.guards import (
    FIELD_CHECKS,
    field_problems,
    publish_problems,
    publish_problems_by_field,
)
from prism.services.workflow.locking import ensure_current_revision
from prism.services.workflow.publishing import (
    briefing_publish,
    briefing_schedule,
    briefing_unschedule,
    publish_due_briefings,
)
from prism.services.workflow.rules import (
    EDITABLE_FIELDS,
    EDITABLE_STATES,
    ITEM_EDITABLE_FIELDS,
    TRANSITIONS,
    Status,
    Transition,
    available_transitions,
    briefing_is_untouched,
    can_edit,
    transition_allowed,
    user_has_perm,
)
from prism.services.workflow.transitions import (
    ACTION_FUNCTIONS,
    briefing_approve,
    briefing_reopen,
    briefing_request_changes,
    briefing_restore,
    briefing_spike,
    briefing_submit_for_review,
    briefing_transition,
    briefing_unpublish,
)

__all__ = [
    "ACTION_FUNCTIONS",
    "EDITABLE_FIELDS",
    "EDITABLE_STATES",
    "FIELD_CHECKS",
    "ITEM_EDITABLE_FIELDS",
    "TRANSITIONS",
    "CommentRequired",
    "EditConflict",
    "IllegalTransition",
    "PublishGuardError",
    "Status",
    "Transition",
    "WorkflowError",
    "WorkflowPermissionDenied",
    "available_transitions",
    "briefing_approve",
    "briefing_correct",
    "briefing_is_untouched",
    "briefing_publish",
    "briefing_reopen",
    "briefing_request_changes",
    "briefing_restore",
    "briefing_save_edit",
    "briefing_schedule",
    "briefing_spike",
    "briefing_submit_for_review",
    "briefing_transition",
    "briefing_unpublish",
    "briefing_unschedule",
    "can_edit",
    "ensure_current_revision",
    "field_problems",
    "new_version_after_edit",
    "publish_due_briefings",
    "publish_problems",
    "publish_problems_by_field",
    "revision_restore",
    "transition_allowed",
    "user_has_perm",
]
