import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.meetings.models import AgendaAttachment
from tests.factories import AgendaItemFactory
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, item, name, content=b"%PDF-1.4 test"):
    return client.post(
        reverse("meetings:attachment_add", args=[organization_slug_of(item), item.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_upload_and_download(login, secretary, hr_user, meeting):
    item = AgendaItemFactory(meeting=meeting)
    client = login(secretary)
    upload(client, item, "budget.pdf")
    attachment = AgendaAttachment.objects.get()
    assert attachment.name == "budget.pdf" and attachment.size == 13
    response = client.get(
        reverse("meetings:attachment_download", args=[organization_slug_of(attachment), attachment.pk])
    )
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    # Not seated and not published: no access.
    assert (
        login(hr_user)
        .get(reverse("meetings:attachment_download", args=[organization_slug_of(attachment), attachment.pk]))
        .status_code
        == 403
    )


def test_wrong_type_is_refused(login, secretary, meeting):
    item = AgendaItemFactory(meeting=meeting)
    response = upload(login(secretary), item, "virus.exe")
    assert "kan ikke vedhæftes" in response.content.decode()
    assert not AgendaAttachment.objects.exists()


def test_too_large_is_refused(login, secretary, meeting):
    item = AgendaItemFactory(meeting=meeting)
    response = upload(login(secretary), item, "big.pdf", b"x" * (AgendaAttachment.MAX_BYTES + 1))
    assert "for stor" in response.content.decode()
    assert not AgendaAttachment.objects.exists()


def test_other_organisation(login, board_member_other, meeting):
    item = AgendaItemFactory(meeting=meeting)
    assert upload(login(board_member_other), item, "a.pdf").status_code == 404
