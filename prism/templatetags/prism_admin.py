"""Template tags of the editorial admin."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def prism_desk(context) -> dict:
    """The editor's desk for the signed-in user (see ``prism.admin.panels``)."""
    from prism.admin.panels import desk_context

    return desk_context(context["request"].user)
