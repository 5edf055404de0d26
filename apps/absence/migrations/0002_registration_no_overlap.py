"""Overlapping registrations of one employee are refused by PostgreSQL itself (an exclusion constraint
over the date range). SQLite has no such constraint; there the services check under a row lock."""

from django.db import migrations

CREATE = """
ALTER TABLE absence_absenceregistration ADD CONSTRAINT absence_registration_no_overlap
EXCLUDE USING gist (employee_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
"""
DROP = "ALTER TABLE absence_absenceregistration DROP CONSTRAINT IF EXISTS absence_registration_no_overlap"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("absence", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
