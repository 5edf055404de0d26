"""The organisation's logo and colour for the annual report (issue 19.4): who may set them, what an
upload must be, and how the logo is served."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.organizations.forms import LogoField
from apps.organizations.models import Organization
from tests.factories import add_unit

pytestmark = pytest.mark.django_db


def image_file(fmt="PNG", size=(120, 60), name="logo.png", color=(10, 120, 200)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def url(org) -> str:
    return reverse("organizations:appearance", args=[org.slug])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_board_member_uploads_a_logo_that_is_stored_as_a_clean_png(login, board_member, org, media, fmt):
    upload = image_file(fmt, name=f"logo.{fmt.lower()}")
    response = login(board_member).post(url(org), {"logo": upload, "brand_color": "#aa0000"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.brand_color == "#aa0000" and org.logo.name.startswith(f"logos/{org.slug}-")
    with Image.open(org.logo.path) as stored:
        assert stored.format == "PNG" and stored.size == (120, 60)
        assert not stored.info.get("exif")


def test_hr_may_set_the_colour_too_and_the_page_shows_the_current_values(login, hr_user, org, media):
    client = login(hr_user)
    assert client.post(url(org), {"brand_color": "#123456"}).status_code == 302
    page = client.get(url(org)).content.decode()
    assert 'value="#123456"' in page and 'type="color"' in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (image_file("GIF", name="logo.gif"), "Logoet skal være et PNG- eller JPEG-billede."),
        (
            SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png"),
            "PNG- eller JPEG-billede",
        ),
        (
            SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200, content_type="image/png"),
            "PNG- eller JPEG-billede",
        ),
        (image_file(size=(4100, 20)), "højst være 4000 pixel"),
    ],
)
def test_what_is_not_a_png_or_jpeg_logo_is_refused_and_nothing_is_kept(
    login, board_member, org, media, upload, message
):
    response = login(board_member).post(url(org), {"logo": upload, "brand_color": "#aa0000"})
    assert response.status_code == 422
    assert message in response.content.decode()
    org.refresh_from_db()
    assert not org.logo and org.brand_color == ""
    assert not (media / "logos").exists()


def test_a_logo_over_the_size_limit_is_refused(login, board_member, org, media, monkeypatch):
    monkeypatch.setattr(LogoField, "max_bytes", 100)
    response = login(board_member).post(
        url(org), {"logo": image_file(size=(300, 300)), "brand_color": "#aa0000"}
    )
    assert response.status_code == 422 and "Logoet må højst fylde" in response.content.decode()


def test_a_colour_that_is_not_a_hex_colour_is_refused(login, board_member, org, media):
    response = login(board_member).post(url(org), {"brand_color": "red; } body { display: none"})
    assert response.status_code == 422
    assert "seks hexadecimale cifre" in response.content.decode()
    org.refresh_from_db()
    assert org.brand_color == ""


def test_replacing_and_removing_the_logo_deletes_the_old_file(
    login, board_member, org, media, django_capture_on_commit_callbacks
):
    client = login(board_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(org), {"logo": image_file(), "brand_color": "#aa0000"})
    first = Organization.objects.get(pk=org.pk).logo.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(org), {"logo": image_file(color=(0, 0, 0)), "brand_color": "#aa0000"})
    second = Organization.objects.get(pk=org.pk).logo.path
    assert first != second
    assert not (media / first).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(org), {"remove_logo": "on", "brand_color": "#aa0000"})
    assert not Organization.objects.get(pk=org.pk).logo
    assert list((media / "logos").iterdir()) == []


def test_anonymous_is_sent_to_log_in(client, org):
    response = client.get(url(org))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("organizations:logo", args=[org.slug])).status_code == 302


def test_another_organisations_board_gets_404(login, board_member_other, org, media):
    client = login(board_member_other)
    assert client.get(url(org)).status_code == 404
    assert client.post(url(org), {"brand_color": "#000000"}).status_code == 404


@pytest.mark.parametrize("who", ["shop_steward", "leader", "med_member"])
def test_members_without_the_report_role_get_403(request, login, org, who):
    client = login(request.getfixturevalue(who))
    assert client.get(url(org)).status_code == 403
    assert client.post(url(org), {"brand_color": "#000000"}).status_code == 403
    org.refresh_from_db()
    assert org.brand_color == ""


def test_wrong_method_is_refused(login, board_member, org):
    assert login(board_member).put(url(org)).status_code == 405
    assert login(board_member).post(reverse("organizations:logo", args=[org.slug])).status_code == 405


def test_the_logo_is_served_as_png_to_members_only(login, shop_steward, hr_user_other, org, media):
    from apps.organizations import services

    logo_url = reverse("organizations:logo", args=[org.slug])
    assert login(shop_steward).get(logo_url).status_code == 404  # no logo yet
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (1, 2, 3)).save(out, format="PNG")
    services.organization_appearance_update(
        organization=org, logo_png=out.getvalue(), remove_logo=False, brand_color=""
    )
    response = login(shop_steward).get(logo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert login(hr_user_other).get(logo_url).status_code == 404


def test_the_page_link_is_offered_to_those_who_may_use_it(login, board_member, shop_steward, org):
    detail = reverse("organizations:detail", args=[org.slug])
    assert url(org) in login(board_member).get(detail).content.decode()
    assert url(org) not in login(shop_steward).get(detail).content.decode()


def test_the_page_query_count_does_not_grow_with_the_organisation(
    login, board_member, org, django_assert_max_num_queries
):
    client = login(board_member)
    with django_assert_max_num_queries(12) as small:
        client.get(url(org))
    for n in range(30):
        add_unit(org, f"X{n}", f"Enhed {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(org))


def test_cover_text_is_black_or_white_whichever_reads():
    assert Organization(brand_color="#ffdd00").cover_text_color == "#1a1a1a"
    assert Organization(brand_color="#0b3a53").cover_text_color == "#ffffff"
    # Anything but a hex colour never reaches the PDF's style sheet.
    assert Organization(brand_color="red;}").cover_color == "#0b3a53"
