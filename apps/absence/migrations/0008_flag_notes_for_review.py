"""Free-text notes written before the health-text check go to HR for review.

The old ``Advisory.notes`` repeated the notes of the advisory's steps; any line of it that no step
holds is moved into the advisory's last step (or a step of its own when it has none), so no text is
lost before HR has seen it. Then every step with a note is flagged ``note_needs_review``: shown only to
HR, listed on HR's review page, until HR keeps, rewrites or clears it. Finally ``Advisory.notes`` goes.
Reversing brings the column back empty and unflags the notes.
"""

from django.db import migrations


def move_and_flag_notes(apps, schema_editor):
    Advisory = apps.get_model("absence", "Advisory")
    AdvisoryEvent = apps.get_model("absence", "AdvisoryEvent")
    for advisory in Advisory.objects.exclude(notes="").iterator(chunk_size=2000):
        events = list(AdvisoryEvent.objects.filter(advisory=advisory).order_by("at", "pk"))
        held = "\n".join(event.note for event in events)
        leftover = [line.strip() for line in advisory.notes.splitlines() if line.strip() and line.strip() not in held]
        if not leftover:
            continue
        text = "\n".join(leftover)
        if events:
            last = events[-1]
            last.note = "\n".join(filter(None, [last.note, text]))
            last.save(update_fields=["note"])
        else:
            AdvisoryEvent.objects.create(
                advisory=advisory,
                from_status=advisory.status,
                to_status=advisory.status,
                note=text,
                at=advisory.updated_at,
            )
    AdvisoryEvent.objects.exclude(note="").update(note_needs_review=True)


def unflag_notes(apps, schema_editor):
    AdvisoryEvent = apps.get_model("absence", "AdvisoryEvent")
    AdvisoryEvent.objects.filter(note_needs_review=True).update(note_needs_review=False)


class Migration(migrations.Migration):
    dependencies = [
        ("absence", "0007_structured_notes"),
    ]

    operations = [
        migrations.RunPython(move_and_flag_notes, unflag_notes),
        migrations.RemoveField(model_name="advisory", name="notes"),
    ]
