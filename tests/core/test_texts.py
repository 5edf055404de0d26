"""Messages kept to be read later in the reader's language (``apps.core.texts``)."""

import json

from django.utils import translation
from django.utils.translation import gettext_lazy

from apps.absence.imports.files import COLUMN_LABELS, KINDS
from apps.core import texts


def test_a_message_is_text_now_and_said_again_in_another_language():
    with translation.override("en"):
        message = texts.text(
            "Line %(line)d (the header row) is missing the column(s) %(missing)s. Expected: %(expected)s.",
            line=1,
            missing=texts.listed([texts.label(COLUMN_LABELS["start_date"])]),
            expected=texts.listed([texts.label(COLUMN_LABELS[c]) for c in ("employee_number", "start_date")]),
        )
    assert message == (
        "Line 1 (the header row) is missing the column(s) “First day”. "
        "Expected: “Employee number”, “First day”."
    )
    data = json.loads(json.dumps(texts.stored(message)))  # as a JSONField keeps it
    with translation.override("da"):
        danish = texts.say(data)
    assert danish.startswith("Linje 1 (overskriftsrækken) mangler") and "“Første dag”" in danish
    with translation.override("nb"):
        assert texts.say(data).startswith("Linje 1 (overskriftsraden) mangler kolonnen(e) “Første dag”")


def test_numbers_lower_case_labels_and_sentences():
    with translation.override("da"):
        said = texts.joined(
            texts.text("note: %(reason)s", reason=texts.number(131072)),
            texts.lower(texts.label(KINDS["absences"])),
        )
        assert said == "note: 131.072 fraværsregistreringer"
    with translation.override("en"):
        assert texts.say(texts.stored(said)) == "note: 131,072 absence registrations"


def test_a_date_is_said_as_the_readers_language_writes_it():
    from datetime import date

    with translation.override("en"):
        said = texts.text(
            "the last day %(end)s is before the first day %(start)s",
            end=texts.day(date(2026, 3, 2)),
            start=texts.day(date(2026, 3, 6)),
        )
        assert said == "the last day 02.03.2026 is before the first day 06.03.2026"
    data = json.loads(json.dumps(texts.stored(said)))
    with translation.override("da"):
        assert texts.say(data) == "sidste dag 02.03.2026 ligger før første dag 06.03.2026"


def test_a_label_is_kept_by_its_message_id():
    # Django's lazy proxy keeps its arguments; if that changed, labels would be kept as text (this fails).
    kept = texts.stored(texts.label(gettext_lazy("First day")))
    assert kept == {"text": "First day"}


def test_text_kept_before_is_said_as_it_is():
    assert texts.say("Linje 3: noget") == "Linje 3: noget"
    assert texts.say(None) == ""
    assert texts.reason(ValueError("plain")) == "plain"
    said = texts.text("name is too long")
    assert texts.reason(ValueError(said)) is said


def test_a_value_a_json_field_would_not_keep_is_refused_where_the_message_is_made():
    from datetime import date
    from decimal import Decimal

    import pytest

    for value in (Decimal("80"), date(2026, 1, 1), 1.5, None):
        with pytest.raises(TypeError, match="is not text, a whole number or a message"):
            texts.text(
                "weekly_hours %(value)s must be more than 0 and at most %(max)s", value="90", max=value
            )
