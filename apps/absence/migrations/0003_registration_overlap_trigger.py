"""Overlap check by trigger instead of the GiST exclusion constraint.

Building or maintaining the GiST index over (employee, date range) took minutes for a million
registrations. The trigger looks up the employee's neighbouring registrations through the ordinary
(employee_id, start_date) index and refuses an overlap with SQLSTATE 23P01 (exclusion_violation), so
Django raises IntegrityError as before. Concurrent writers for one employee are serialised by the
services, which lock the employee row first.
"""

from django.db import migrations

DROP_EXCLUSION = (
    "ALTER TABLE absence_absenceregistration DROP CONSTRAINT IF EXISTS absence_registration_no_overlap"
)

CREATE = """
CREATE OR REPLACE FUNCTION absence_registration_no_overlap() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM absence_absenceregistration r
        WHERE r.employee_id = NEW.employee_id
          AND r.id IS DISTINCT FROM NEW.id
          AND r.start_date <= COALESCE(NEW.end_date, 'infinity'::date)
          AND COALESCE(r.end_date, 'infinity'::date) >= NEW.start_date
    ) THEN
        RAISE EXCEPTION 'absence_registration_no_overlap: employee % already has absence in this period',
            NEW.employee_id USING ERRCODE = '23P01';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER absence_registration_no_overlap
    BEFORE INSERT OR UPDATE OF employee_id, start_date, end_date ON absence_absenceregistration
    FOR EACH ROW EXECUTE FUNCTION absence_registration_no_overlap();
"""

DROP = """
DROP TRIGGER IF EXISTS absence_registration_no_overlap ON absence_absenceregistration;
DROP FUNCTION IF EXISTS absence_registration_no_overlap();
"""

RESTORE_EXCLUSION = """
ALTER TABLE absence_absenceregistration ADD CONSTRAINT absence_registration_no_overlap
EXCLUDE USING gist (employee_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_EXCLUSION)
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(RESTORE_EXCLUSION)


class Migration(migrations.Migration):
    dependencies = [("absence", "0002_registration_no_overlap")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
