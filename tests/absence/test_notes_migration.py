"""Migrations 0007/0008 (issue 14, point 2): the health-term list is seeded, and every free-text note
that existed before the check is kept whole, moved onto a step when only the old advisory notes held
it, and flagged for HR's review. Run by migrating the test database back and forward again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.absence.health import note_check
from apps.absence.models import AdvisoryEvent, HealthTerm
from tests.factories import EmployeeFactory, OrganizationFactory, add_unit

BEFORE = [("absence", "0007_structured_notes")]


def migrate(targets=None):
    """To ``targets``, or back to the latest state of every app (which the rest of the suite needs)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_notes_are_kept_moved_and_flagged_for_review():
    organization = OrganizationFactory(slug="migrated")
    employee = EmployeeFactory(unit=add_unit(organization, "U", "Unit"))
    old = migrate(BEFORE)
    try:
        Advisory = old.get_model("absence", "Advisory")
        Event = old.get_model("absence", "AdvisoryEvent")
        now, start = timezone.now(), timezone.localdate() - timedelta(days=40)

        def advisory(day, notes):
            return Advisory.objects.create(
                employee_id=employee.pk,
                spell_start=start,
                kind="contact",
                day=day,
                due_date=start + timedelta(days=day - 1),
                status="seen",
                notes=notes,
            )

        # Written by the old advisory_step: the note is on the step and repeated on the advisory.
        stepped = advisory(1, "Diagnose: depression, F32.1")
        Event.objects.create(
            advisory=stepped, from_status="new", to_status="seen", note="Diagnose: depression, F32.1", at=now
        )
        # Only on the advisory, with a step that has no note; and only on an advisory without steps.
        partly = advisory(3, "Ringede\nHar migræne")
        Event.objects.create(advisory=partly, from_status="new", to_status="seen", note="Ringede", at=now)
        bare = advisory(10, "Gravid i 4. måned")
        quiet = advisory(28, "")
        Event.objects.create(advisory=quiet, from_status="new", to_status="seen", note="", at=now)
    finally:
        migrate()  # 0008 flags the notes on the way

    events = {
        (e.advisory_id, e.note): e.note_needs_review
        for e in AdvisoryEvent.objects.filter(advisory__employee=employee)
    }
    assert events == {
        (stepped.pk, "Diagnose: depression, F32.1"): True,
        (partly.pk, "Ringede\nHar migræne"): True,
        (bare.pk, "Gravid i 4. måned"): True,
        (quiet.pk, ""): False,
    }
    moved = AdvisoryEvent.objects.get(advisory_id=bare.pk)
    assert (moved.from_status, moved.to_status, moved.by_id) == ("seen", "seen", None)


@pytest.mark.django_db
def test_the_seeded_list_covers_the_three_languages_and_the_codes():
    assert set(HealthTerm.objects.values_list("language", flat=True)) == {"da", "nb", "en", "any"}
    assert HealthTerm.objects.filter(kind="pattern", label="ICD-10").exists()
    assert not HealthTerm.objects.filter(term__iexact="stress").exists()
    assert note_check("Stress i afdelingen") == "Stress i afdelingen"
