"""One current plan per organisation and period: two plans of one organisation that are not archived
may not share a year. PostgreSQL refuses it with an exclusion constraint (the table is small, so the
GiST index costs nothing); SQLite with a trigger. Both raise IntegrityError in Django.

Plans that already overlap are not lost: of each overlapping pair the one that starts earlier (then
the older row) is archived first, so the constraint can be added; it stays readable and can be
copied. The services refuse the overlap with a message naming the other plan before the database
has to.
"""

from django.db import migrations
from django.utils import timezone

PG_CREATE = """
ALTER TABLE strategy_strategyplan ADD CONSTRAINT strategyplan_one_current_per_period
EXCLUDE USING gist (organization_id WITH =, int4range(start_year, end_year, '[]') WITH &&)
WHERE (archived_at IS NULL)
"""
PG_DROP = "ALTER TABLE strategy_strategyplan DROP CONSTRAINT IF EXISTS strategyplan_one_current_per_period"

SQLITE_CHECK = """
SELECT RAISE(ABORT, 'strategyplan_one_current_per_period')
WHERE NEW.archived_at IS NULL AND EXISTS (
    SELECT 1 FROM strategy_strategyplan p
    WHERE p.organization_id = NEW.organization_id
      AND p.id IS NOT NEW.id
      AND p.archived_at IS NULL
      AND p.start_year <= NEW.end_year
      AND p.end_year >= NEW.start_year
);
"""
SQLITE_CREATE = [
    "CREATE TRIGGER strategyplan_one_current_insert BEFORE INSERT ON strategy_strategyplan "
    f"BEGIN {SQLITE_CHECK} END",
    "CREATE TRIGGER strategyplan_one_current_update BEFORE UPDATE OF organization_id, start_year, "
    f"end_year, archived_at ON strategy_strategyplan BEGIN {SQLITE_CHECK} END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS strategyplan_one_current_insert",
    "DROP TRIGGER IF EXISTS strategyplan_one_current_update",
]


def archive_overlapping(apps, schema_editor):
    StrategyPlan = apps.get_model("strategy", "StrategyPlan")
    now = timezone.now()
    kept: dict[int, list] = {}
    # Latest first: the plan that reaches furthest ahead stays current.
    for plan in StrategyPlan.objects.filter(archived_at__isnull=True).order_by("-start_year", "-id"):
        others = kept.setdefault(plan.organization_id, [])
        if any(o.start_year <= plan.end_year and o.end_year >= plan.start_year for o in others):
            plan.archived_at = now
            plan.save(update_fields=["archived_at"])
        else:
            others.append(plan)


def forwards(apps, schema_editor):
    archive_overlapping(apps, schema_editor)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("strategy", "0003_public_progress")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
