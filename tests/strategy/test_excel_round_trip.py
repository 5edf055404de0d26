"""Danish Excel round trip in a real browser: export a plan, open and save it as Excel would, import it
into an empty plan, and nothing has changed (issue 15.6)."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from apps.strategy import services
from apps.strategy.demo import load_plan, load_plan_data
from apps.strategy.models import Initiative
from tests.factories import StrategyPlanFactory, add_unit
from tests.helpers import organization_slug_of
from tests.strategy.test_plan_csv import _content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as_danish_excel_saves_csv(data: bytes) -> bytes:
    """Excel on Danish Windows: reads UTF-8 when the file has a byte-order mark (else Windows-1252),
    splits on ";", and "CSV (semikolonsepareret)" saves Windows-1252 without a byte-order mark."""
    text = data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows[0]) > 10, "Excel would show the whole row in one column"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp1252")


def _as_excel_saves_xlsx(data: bytes) -> bytes:
    book = load_workbook(io.BytesIO(data))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def fagforbundet(org, board_member):
    add_unit(org, "FF-VL", "Fylke")
    plan, initiatives = load_plan(load_plan_data("fagforbundet_2024_2025.json"), org)
    Initiative.objects.filter(pk=initiatives[0].pk).update(status="in_progress", progress=35)
    return plan


@pytest.mark.parametrize(
    ("link", "name", "resave"),
    [
        ("export.csv", "plan.csv", _as_danish_excel_saves_csv),
        ("export.xlsx", "plan.xlsx", _as_excel_saves_xlsx),
    ],
)
def test_a_plan_exported_edited_in_excel_and_imported_is_unchanged(
    page, browser_login, board_member, org, fagforbundet, link, name, resave
):
    browser_login(board_member)
    page.goto(f"/strategy/{organization_slug_of(fagforbundet)}/plan/{fagforbundet.pk}/")
    with page.expect_download() as download:
        page.locator(f"a[href$='/{link}']").click()
    saved = resave(Path(download.value.path()).read_bytes())
    services.plan_archive(plan=fagforbundet)  # one current plan per period: the copy takes over
    empty = StrategyPlanFactory(organization=org, start_year=2024, end_year=2025, title="Kopi")
    page.goto(f"/strategy/{organization_slug_of(empty)}/plan/{empty.pk}/import/")
    page.set_input_files(
        "input[name=file]", files=[{"name": name, "mimeType": "text/plain", "buffer": saved}]
    )
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**/strategy/{organization_slug_of(empty)}/plan/{empty.pk}/")
    assert _content(empty) == _content(fagforbundet)
