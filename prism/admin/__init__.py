"""The newsroom's admin for PRISM, one module per concern (like Wagtail's admin).

- ``briefings``: the briefing admin — change form, action bar, queue;
- ``articles``, ``records``: the other registrations (records are read-only);
- ``forms``, ``inlines``, ``conflicts``: the change form's forms, its section and
  item inlines, and stale-save recovery;
- ``views``, ``selection_views``, ``rewrite_views``: the extra pages and POST actions;
- ``filters``: list filters titled in plain Korean;
- ``panels``: context builders (the desk, workflow panel, history) in editors' words;
- ``errors``: service errors as messages, Korean 403/404 pages.

Importing this package registers everything with ``admin.site`` and makes the
editor's desk the admin's start page (unless the host chose its own).
"""

from django.contrib import admin

from prism.admin import articles, briefings, records  # noqa: F401  (registrations)

if admin.site.index_template is None:
    admin.site.index_template = "admin/prism/desk.html"
