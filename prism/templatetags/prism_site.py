"""Template filters of the public site."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def http_url(value: object) -> str:
    """The URL if it is http(s), else "" (no ``javascript:`` or ``data:`` links)."""
    url = str(value or "").strip()
    if url.lower().startswith(("http://", "https://")):
        return url
    return ""
