from django.urls import reverse

from apps.core.nav import entries_for
from apps.pool.report import build_section
from tests.factories import BudgetLineFactory, PoolApplicationFactory, PoolCallFactory


def test_report_section_lists_the_years_applications_with_eligible_totals(application):
    BudgetLineFactory(application=application, amount=4_100_000)
    BudgetLineFactory(application=application, amount=50_000, eligible=False)
    section = build_section(application.organization, 2027)
    assert section.key == "pool" and section.has_data
    row = section.data["applications"][0]
    assert row["title"] == "Ledertrivsel"
    assert row["eligible_total"] == 4_100_000
    assert section.data["eligible_total"] == 4_100_000


def test_report_section_without_applications_has_no_data(application):
    section = build_section(application.organization, 2019)
    assert section is not None and not section.has_data


def test_report_section_is_none_for_unions(org):
    assert build_section(org, 2027) is None


def test_report_section_counts_only_the_year_and_the_organisation(application):
    other_call = PoolCallFactory(year=2025)
    PoolApplicationFactory(organization=application.organization, call=other_call, title="2025-ansøgning")
    PoolApplicationFactory(call=application.call, title="Andres")
    titles = [r["title"] for r in build_section(application.organization, 2027).data["applications"]]
    assert titles == ["Ledertrivsel"]


def test_nav_entry_for_employers_only(hr_user, hu_member, leader, employer, hu):
    url = reverse("pool:application_list", args=[employer.slug])
    assert url in [e["url"] for e in entries_for(hr_user, employer)]
    assert url in [e["url"] for e in entries_for(hu_member, employer)]
    assert url not in [e["url"] for e in entries_for(leader, employer)]


def test_nav_entry_is_hidden_for_unions(hr_user, org):
    assert all(e["entry"].url_name != "pool:application_list" for e in entries_for(hr_user, org))
