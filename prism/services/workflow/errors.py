"""The workflow's errors: each message is for editors."""

from __future__ import annotations


class WorkflowError(Exception):
    """A transition or edit that is not allowed; the message is for editors."""


class IllegalTransition(WorkflowError):
    """The briefing's state does not allow the requested action."""


class WorkflowPermissionDenied(WorkflowError):
    """The user lacks the permission the action needs."""


class CommentRequired(WorkflowError):
    """The action needs a comment (a reason) and none was given."""


class PublishGuardError(WorkflowError):
    """The briefing is not complete enough to go live."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("발행할 수 없습니다: " + " ".join(problems))


class EditConflict(WorkflowError):
    """The edit was based on an outdated version of the briefing."""

    def __init__(
        self,
        *,
        base_version: int,
        current_version: int,
        hint: str = "변경 내용을 비교한 뒤 다시 편집하세요.",
    ) -> None:
        self.base_version = base_version
        self.current_version = current_version
        super().__init__(
            f"다른 사람이 먼저 저장했습니다(보고 있던 버전 v{base_version}, "
            f"현재 버전 v{current_version}). {hint}"
        )
