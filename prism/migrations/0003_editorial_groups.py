"""Create the Editors and Chief editors groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CHIEF_EDITORS = "Chief editors"

EDITOR_PERMISSIONS = [
    "view_article",
    "view_articlesummary",
    "view_readertype",
    "view_generationrun",
    "view_briefing",
    "change_briefing",
    "submit_briefing",
    "view_briefingsection",
    "change_briefingsection",
    "view_briefingitem",
    "change_briefingitem",
    "view_briefingrevision",
    "view_auditevent",
]
CHIEF_EDITOR_PERMISSIONS = EDITOR_PERMISSIONS + [
    "approve_briefing",
    "publish_briefing",
    "unpublish_briefing",
    "correct_briefing",
    "spike_briefing",
    "add_readertype",
    "change_readertype",
    "add_article",
    "change_article",
    "add_generationrun",
    "view_subscriber",
    "view_sharelink",
    "add_sharelink",
    "change_sharelink",
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    # (create_permissions skips app configs without a models module; the migration
    # state's stubs have none, so lend it one for the call.)
    app_config = apps.get_app_config("prism")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [
        (EDITORS, EDITOR_PERMISSIONS),
        (CHIEF_EDITORS, CHIEF_EDITOR_PERMISSIONS),
    ]:
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="prism", codename__in=codenames
        )
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("prism", "0002_default_reader_types"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
