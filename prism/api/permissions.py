"""Who may use which part of the API."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ArticlePermission(BasePermission):
    """Newsroom staff may read articles; pushing them needs ``prism.add_article``."""

    message = "이 작업을 할 권한이 없습니다."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in SAFE_METHODS:
            return user.is_staff and user.has_perm("prism.view_article")
        if request.method == "POST":
            return user.has_perm("prism.add_article")
        return False
