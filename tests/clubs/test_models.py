import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.clubs.models import ClubMeeting

pytestmark = pytest.mark.django_db


def test_a_meeting_belongs_to_exactly_one_club_or_network(club, network):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClubMeeting.objects.create(club=club, network=network, starts_at=timezone.now(), attendance=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClubMeeting.objects.create(starts_at=timezone.now(), attendance=1)
    ClubMeeting.objects.create(network=network, starts_at=timezone.now(), attendance=1)


def test_a_held_meeting_has_an_attendance(club):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClubMeeting.objects.create(club=club, starts_at=timezone.now(), status="held", attendance=None)


def test_admin_form_shows_the_constraint_as_a_message(club):
    from django.core.exceptions import ValidationError

    from apps.clubs.models import ClubFundApplication

    application = ClubFundApplication(
        club=club,
        purpose="Tur",
        event_date=timezone.localdate(),
        amount=100,
        participants=3,
        status="rejected",
        decided_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as error:
        application.full_clean()
    assert error.value.messages == ["Skriv, hvorfor ansøgningen afvises."]
