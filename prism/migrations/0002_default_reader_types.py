"""Create the default reader types from prism/sample_data/reader_types.json.

Existing reader types (matched by slug) are left as the newsroom edited them.
"""

import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "sample_data" / "reader_types.json"


def create_reader_types(apps, schema_editor):
    ReaderType = apps.get_model("prism", "ReaderType")
    for position, entry in enumerate(json.loads(DATA_FILE.read_text(encoding="utf-8"))):
        ReaderType.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "description": entry.get("description", ""),
                "interests": entry.get("interests", {}),
                "preferred_sections": entry.get("preferred_sections", []),
                "ordering": entry.get("ordering", position),
                "is_active": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("prism", "0001_initial")]

    operations = [migrations.RunPython(create_reader_types, migrations.RunPython.noop)]
