"""Posting an admin change form back as a browser would."""

from __future__ import annotations

from django.urls import reverse


def briefing_admin_url(name: str, *args) -> str:
    """The URL of the briefing admin's view ``name`` (change, preview, diff…)."""
    return reverse(f"admin:prism_briefing_{name}", args=args)


def change_form_data(response) -> dict[str, str]:
    """What the browser would post back for the admin change form as rendered."""
    data: dict[str, str] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                value = ",".join(str(v) for v in value)
            data[form.add_prefix(name)] = value
    return data
