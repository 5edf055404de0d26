"""Theme-day tables get their link as a QR code, with the address printed and a copy button."""

import pytest
from django.urls import reverse

from tests.helpers import organization_slug_of
from tests.qrcheck import modules_of, qr_codes

pytestmark = pytest.mark.django_db


def test_each_table_link_has_a_qr_code_of_its_exact_address(session, hr_user, login):
    page = (
        login(hr_user)
        .get(reverse("pool:ranking_session", args=[organization_slug_of(session), session.pk]))
        .content.decode()
    )
    codes = qr_codes(page)
    rankings = list(session.rankings.order_by("label"))
    assert len(codes) == len(rankings) == 3
    for ranking in rankings:
        url = "http://testserver" + reverse(
            "pool:ranking_table", args=[ranking.session.organization.slug, ranking.token]
        )
        assert f">{url}</code>" in page
        label = f"QR-kode med adressen på prioriteringssiden for {ranking.label}"
        assert (label, modules_of(url)) in codes
    # The copy button is there for JavaScript to show; without it the address is plain text.
    assert page.count('data-copy="table-link-') == 3 and page.count(" hidden>") >= 3
    assert 'role="status" aria-live="polite"' in page


def test_the_results_fragment_for_htmx_has_no_qr_codes(session, hr_user, login):
    response = login(hr_user).get(
        reverse("pool:ranking_session", args=[organization_slug_of(session), session.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert qr_codes(response.content.decode()) == []
