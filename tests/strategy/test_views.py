import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.strategy import services
from apps.strategy.models import FocusArea, Goal, Initiative, InitiativeUpdate, StrategyPlan
from tests.conftest import unit
from tests.factories import FocusAreaFactory, GoalFactory, InitiativeFactory, StrategyPlanFactory
from tests.helpers import body_rows, organization_slug_of

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _many(area, n=30):
    for i in range(n):
        goal = GoalFactory(focus_area=area)
        InitiativeFactory(
            focus_area=area, goal=goal, responsible_unit=area.plan.organization.units.first(),
            due_date=date(2020, 1, 1) if i % 2 else None,
        )  # fmt: skip


# --- plan list ------------------------------------------------------------------------------------


def test_plan_list_shows_own_plans_only(login, shop_steward, plan, other_plan):
    response = login(shop_steward).get(reverse("strategy:plan_list", args=[plan.organization.slug]))
    assert plan.title in response.content.decode()
    assert other_plan.title not in response.content.decode()
    assert "Create plan" not in response.content.decode()


def test_board_creates_a_plan_and_bad_years_are_refused(login, board_member, org):
    client = login(board_member)
    url = reverse("strategy:plan_list", args=[org.slug])
    bad = client.post(url, {"title": "Ny plan", "start_year": 2027, "end_year": 2026})
    assert "The last year cannot be before the first year." in bad.content.decode()
    assert not StrategyPlan.objects.exists()
    good = client.post(url, {"title": "Ny plan", "start_year": 2026, "end_year": 2027})
    plan = StrategyPlan.objects.get()
    assert good["Location"] == reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk])


# --- plan overview, filters ----------------------------------------------------------------------


def test_overview_shows_cards_counts_and_overdue(login, shop_steward, plan, area, initiative):
    InitiativeFactory(focus_area=area, status="done", progress=100)
    late = InitiativeFactory(
        focus_area=area, text="Forsinket indsats", due_date=timezone.localdate() - timedelta(1)
    )
    page = (
        login(shop_steward)
        .get(reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk]))
        .content.decode()
    )
    assert area.title in page
    assert 'value="33"' in page  # average progress (0 + 100 + 0) / 3 on the card
    assert "Overdue initiatives" in page and late.text in page
    assert reverse("strategy:initiative_detail", args=[organization_slug_of(late), late.pk]) in page


def test_filters_work_as_a_plain_get_form(login, shop_steward, org, plan, area):
    InitiativeFactory(
        focus_area=area, text="Kursus i heltid", level="county", responsible_unit=unit(org, "A")
    )
    InitiativeFactory(focus_area=area, text="Valgkamp", level="national", status="done")
    client = login(shop_steward)
    url = reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk])
    page = client.get(url, {"q": "heltid"}).content.decode()
    assert "Kursus i heltid" in page and "Valgkamp" not in page and "<html" in page
    assert "Valgkamp" in client.get(url, {"status": "done"}).content.decode()
    assert "Kursus i heltid" not in client.get(url, {"status": "done"}).content.decode()
    assert "Kursus i heltid" in client.get(url, {"level": "county"}).content.decode()
    assert "Kursus i heltid" in client.get(url, {"responsible": unit(org, "A").pk}).content.decode()
    assert "Kursus i heltid" not in client.get(url, {"responsible": unit(org, "B").pk}).content.decode()


def test_overdue_filter(login, shop_steward, plan, area):
    InitiativeFactory(focus_area=area, text="Forsinket", due_date=date(2020, 1, 1))
    InitiativeFactory(focus_area=area, text="Færdig i tide", due_date=date(2020, 1, 1), status="done")
    page = login(shop_steward).get(
        reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk]), {"overdue": "on"}
    )
    assert "Forsinket" in page.content.decode()
    assert "Færdig i tide" not in page.content.decode().split('id="initiative-results"')[1]


def test_the_initiative_table_rows_in_plan_order(login, shop_steward, org, plan, area):
    person = shop_steward
    person.first_name, person.last_name = "Tove", "<Ditlevsen>"
    person.save()
    yesterday = timezone.localdate() - timedelta(days=1)
    words = ["ord0", "<b>ord1</b>", *(f"ord{i}" for i in range(2, 25)), "<script>"]
    long_text = " ".join(words)
    first = InitiativeFactory(
        focus_area=area, text=long_text, level="county", status="in_progress", progress=40,
        due_date=yesterday, responsible_unit=unit(org, "A"), responsible_person=person,
    )  # fmt: skip
    done = InitiativeFactory(
        focus_area=area, text="Afsluttet & godt", status="done", progress=100, due_date=yesterday
    )
    plain = InitiativeFactory(focus_area=area, text="Uden frist")
    url = reverse("strategy:plan_detail", args=[org.slug, plan.pk])
    for page in (
        login(shop_steward).get(url).content.decode(),
        login(shop_steward).get(url, HTTP_HX_TARGET="initiative-results", **HX).content.decode(),
    ):
        due = yesterday.strftime("%d.%m.%Y")
        assert body_rows(page.split('id="initiative-results"')[-1]) == [
            (
                [
                    " ".join(words[:18]) + " …",
                    area.title,
                    "County",
                    "In progress",
                    "40 %",
                    f"{due} Overdue",
                    f"{unit(org, 'A').name} Tove <Ditlevsen>",
                ],
                [reverse("strategy:initiative_detail", args=[org.slug, first.pk])],
            ),
            (
                ["Afsluttet & godt", area.title, "National", "Done", "100 %", due, ""],
                [reverse("strategy:initiative_detail", args=[org.slug, done.pk])],
            ),
            (
                ["Uden frist", area.title, "National", "Planned", "0 %", "", ""],
                [reverse("strategy:initiative_detail", args=[org.slug, plain.pk])],
            ),
        ]
        assert "<b>ord1</b>" not in page and "&lt;b&gt;ord1&lt;/b&gt;" in page
        assert "<script>" not in page and "<Ditlevsen>" not in page


def test_htmx_filter_returns_only_the_result_list(login, shop_steward, plan, area, initiative):
    response = login(shop_steward).get(
        reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk]),
        {"q": "TR-netværk"},
        HTTP_HX_TARGET="initiative-results",
        **HX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="initiative-results"')
    assert initiative.text in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_plan_overview_query_count_does_not_grow(
    login, shop_steward, plan, area, django_assert_max_num_queries
):
    client = login(shop_steward)
    url = reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)
    _many(area)
    FocusAreaFactory(plan=plan)
    with django_assert_max_num_queries(12):
        client.get(url)


# --- focus area --------------------------------------------------------------------------------


def test_focus_area_groups_by_goal_or_level(login, shop_steward, area, goal, initiative):
    InitiativeFactory(focus_area=area, level="county", text="Fylkets indsats")
    client = login(shop_steward)
    url = reverse("strategy:focus_area_detail", args=[organization_slug_of(area), area.pk])
    by_goal = client.get(url).content.decode()
    assert f"<h3>{goal.text}</h3>" in by_goal and "Without a goal" in by_goal
    by_level = client.get(url, {"group": "level"}).content.decode()
    assert "<h3>County</h3>" in by_level and "<h3>National</h3>" in by_level
    assert "Move up" not in by_level


def test_focus_area_query_count_does_not_grow(login, board_member, area, django_assert_max_num_queries):
    client = login(board_member)
    url = reverse("strategy:focus_area_detail", args=[organization_slug_of(area), area.pk])
    with django_assert_max_num_queries(10):
        client.get(url)
    _many(area)
    with django_assert_max_num_queries(10):
        client.get(url)


def test_add_focus_area(login, board_member, plan):
    response = login(board_member).post(
        reverse("strategy:focus_area_add", args=[organization_slug_of(plan), plan.pk]),
        {"title": "Digitalisering", "focus": "", "narrative": ""},
    )
    area = FocusArea.objects.get(title="Digitalisering")
    assert response["Location"] == reverse(
        "strategy:focus_area_detail", args=[organization_slug_of(area), area.pk]
    )


def test_edit_focus_area_in_place(login, board_member, area):
    client = login(board_member)
    url = reverse("strategy:focus_area_edit", args=[organization_slug_of(area), area.pk])
    form = client.get(url, **HX).content.decode()
    assert f'id="focus-area-{area.pk}"' in form and "<html" not in form
    saved = client.post(
        url, {"title": "Nyt navn", "focus": "", "narrative": "", "version": area.version}, **HX
    )
    assert "<h1>Nyt navn</h1>" in saved.content.decode()
    stale = client.post(
        url, {"title": "Gammelt", "focus": "", "narrative": "", "version": area.version}, **HX
    )
    assert "Someone else saved this item" in stale.content.decode()
    area.refresh_from_db()
    assert area.title == "Nyt navn"


def test_move_focus_area_with_and_without_htmx(login, board_member, plan, area):
    second = FocusAreaFactory(plan=plan, position=2, title="Andet område")
    client = login(board_member)
    url = reverse("strategy:focus_area_move", args=[organization_slug_of(second), second.pk])
    plain = client.post(url, {"direction": "up"})
    assert plain["Location"] == reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk])
    assert list(plan.focus_areas.order_by("position")) == [second, area]
    fragment = client.post(
        reverse("strategy:focus_area_move", args=[organization_slug_of(second), second.pk]),
        {"direction": "down"},
        **HX,
    )
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="areas">')
    assert body.index(area.title) < body.index("Andet område")


# --- goals -------------------------------------------------------------------------------------


def test_add_goal_validates_the_indicator(login, board_member, area):
    client = login(board_member)
    url = reverse("strategy:goal_add", args=[organization_slug_of(area), area.pk])
    data = {"text": "Ti prosent økning av lærlingemedlemmer", "indicator_unit": "%"}
    bad = client.post(url, {**data, "indicator_baseline": "10", "indicator_target": "10"}, **HX)
    assert "The target must differ from the baseline" in bad.content.decode()
    assert 'aria-invalid="true"' in bad.content.decode()
    assert not Goal.objects.exists()
    good = client.post(url, {**data, "indicator_baseline": "0", "indicator_target": "10"}, **HX)
    assert good["HX-Retarget"] == "#goals"
    assert "Ti prosent økning" in good.content.decode()
    assert Goal.objects.get().indicator_target == 10


def test_edit_goal_in_place_and_history_names_the_editor(login, board_member, goal):
    client = login(board_member)
    url = reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk])
    response = client.post(url, {"text": "Endnu flere medlemmer", "version": goal.version}, **HX)
    assert response.content.decode().lstrip().startswith(f'<div id="goal-{goal.pk}"')
    page = client.get(
        reverse("strategy:goal_detail", args=[organization_slug_of(goal), goal.pk])
    ).content.decode()
    assert "History" in page and str(board_member) in page
    assert "Flere medlemmer i klubberne" in page and "Endnu flere medlemmer" in page


def test_goal_detail_htmx_returns_the_item(login, shop_steward, goal):
    response = login(shop_steward).get(
        reverse("strategy:goal_detail", args=[organization_slug_of(goal), goal.pk]),
        HTTP_HX_TARGET=f"goal-{goal.pk}",
        **HX,
    )
    assert response.content.decode().startswith(f'<div id="goal-{goal.pk}"')


def test_move_goal(login, board_member, area, goal):
    second = GoalFactory(focus_area=area, position=goal.position + 1)
    client = login(board_member)
    response = client.post(
        reverse("strategy:goal_move", args=[organization_slug_of(second), second.pk]),
        {"direction": "up"},
        **HX,
    )
    assert response["HX-Retarget"] == "#goals"
    assert list(area.goals.order_by("position")) == [second, goal]


# --- initiatives ---------------------------------------------------------------------------------


def _initiative_data(initiative, **changes):
    data = {
        "text": initiative.text,
        "goal": initiative.goal_id or "",
        "level": initiative.level,
        "implements": "",
        "responsible_unit": "",
        "responsible_person": "",
        "status": initiative.status,
        "progress": initiative.progress,
        "start_date": "",
        "due_date": "",
        "version": initiative.version,
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"progress": "101"}, "Progress is a percentage from 0 to 100."),
        ({"progress": "-1"}, "Progress is a percentage from 0 to 100."),
        (
            {"start_date": "2026-05-01", "due_date": "2026-04-01"},
            "The due date cannot be before the start date.",
        ),
        ({"level": "galaxy"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(
    login, board_member, initiative, changes, message
):
    response = login(board_member).post(
        reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk]),
        _initiative_data(initiative, **changes),
        **HX,
    )
    assert message in response.content.decode()
    assert "form-error-message" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.version == 1 and initiative.progress == 0


def test_edit_initiative_in_place(login, board_member, org, initiative):
    client = login(board_member)
    url = reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk])
    form = client.get(url, **HX).content.decode()
    assert f'id="initiative-{initiative.pk}"' in form and "<html" not in form
    data = _initiative_data(
        initiative, text="Nye netværk", responsible_unit=unit(org, "A1").pk, progress="20"
    )
    response = client.post(url, data, **HX)
    assert response.content.decode().lstrip().startswith(f'<div id="initiative-{initiative.pk}"')
    initiative.refresh_from_db()
    assert (initiative.text, initiative.progress, initiative.responsible_unit.code) == (
        "Nye netværk",
        20,
        "A1",
    )


def test_edit_initiative_without_js_redirects(login, board_member, initiative):
    response = login(board_member).post(
        reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk]),
        _initiative_data(initiative, text="Ny tekst"),
    )
    assert response["Location"] == reverse(
        "strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk]
    )


def test_conflicting_edit_is_detected_and_the_second_writer_sees_current_values(
    login, board_member, initiative
):
    client = login(board_member)
    url = reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk])
    loaded = _initiative_data(initiative)
    client.post(url, {**loaded, "text": "Første skrivers tekst"})
    response = client.post(url, {**loaded, "text": "Anden skrivers tekst"})
    body = response.content.decode()
    assert "Someone else saved this item while you were editing it" in body
    assert "Første skrivers tekst" in body
    assert 'name="version" value="2"' in body
    initiative.refresh_from_db()
    assert initiative.text == "Første skrivers tekst"


def test_status_changed_in_place(login, board_member, initiative):
    client = login(board_member)
    url = reverse("strategy:initiative_status_set", args=[organization_slug_of(initiative), initiative.pk])
    response = client.post(url, {"status": "in_progress", "progress": "45", "version": "1"}, **HX)
    body = response.content.decode()
    assert body.startswith(f'<div id="initiative-{initiative.pk}"') and "Saved." in body
    # The status select offers every status, the saved one selected.
    select = re.search(r'<select[^>]*id="status-\d+"[^>]*>(.*?)</select>', body, flags=re.S).group(1)
    assert re.findall(r'<option value="(\w+)"( selected)?', select) == [
        ("planned", ""),
        ("in_progress", " selected"),
        ("done", ""),
        ("paused", ""),
        ("dropped", ""),
    ]
    initiative.refresh_from_db()
    assert (initiative.status, initiative.progress, initiative.version) == ("in_progress", 45, 2)
    stale = client.post(url, {"status": "done", "progress": "100", "version": "1"}, **HX)
    assert "Someone else changed this initiative" in stale.content.decode()
    invalid = client.post(url, {"status": "done", "progress": "140", "version": "2"}, **HX)
    assert "Progress is a percentage from 0 to 100." in invalid.content.decode()
    initiative.refresh_from_db()
    assert (initiative.status, initiative.progress) == ("in_progress", 45)


def test_status_without_js_redirects_to_the_initiative(login, board_member, initiative):
    response = login(board_member).post(
        reverse("strategy:initiative_status_set", args=[organization_slug_of(initiative), initiative.pk]),
        {"status": "done", "progress": "100", "version": "1"},
    )
    assert response["Location"] == reverse(
        "strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk]
    )


def test_post_update(login, board_member, initiative):
    client = login(board_member)
    url = reverse("strategy:initiative_update_post", args=[organization_slug_of(initiative), initiative.pk])
    data = {
        "on": "2026-03-02",
        "text": "Første netværksmøde holdt.",
        "status": "in_progress",
        "progress": "25",
    }
    response = client.post(url, {**data, "version": "1"}, **HX)
    assert response["HX-Refresh"] == "true"
    update = InitiativeUpdate.objects.get()
    assert (update.author, update.status_before, update.status_after) == (
        board_member,
        "planned",
        "in_progress",
    )
    page = client.get(
        reverse("strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk])
    ).content.decode()
    assert "Første netværksmøde holdt." in page and "Planned → In progress" in page
    empty = client.post(url, {"on": "2026-03-02", "text": "", "version": "2"}, **HX)
    assert "This field is required." in empty.content.decode()
    assert InitiativeUpdate.objects.count() == 1
    plain = client.post(url, {**data, "text": "Uden JS", "version": "2"})
    assert plain["Location"] == reverse(
        "strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk]
    )


def test_add_initiative(login, board_member, area, goal):
    client = login(board_member)
    url = reverse("strategy:initiative_add", args=[organization_slug_of(area), area.pk])
    form = client.get(url, **HX).content.decode()
    assert 'id="initiative-add"' in form
    data = {"text": "Ny indsats", "goal": goal.pk, "level": "national", "status": "planned", "progress": "0"}
    response = client.post(url, data, **HX)
    assert response["HX-Retarget"] == "#initiatives"
    assert "Ny indsats" in response.content.decode()
    plain = client.post(url, {**data, "text": "Uden JS"})
    assert plain["Location"] == reverse(
        "strategy:focus_area_detail", args=[organization_slug_of(area), area.pk]
    )


def test_move_initiative_within_its_goal(login, board_member, area, goal, initiative):
    second = InitiativeFactory(focus_area=area, goal=goal, position=initiative.position + 1)
    without_goal = InitiativeFactory(focus_area=area, position=initiative.position - 1)
    client = login(board_member)
    client.post(
        reverse("strategy:initiative_move", args=[organization_slug_of(second), second.pk]),
        {"direction": "up"},
    )
    assert list(goal.initiatives.order_by("position")) == [second, initiative]
    without_goal.refresh_from_db()
    assert without_goal.goal is None


def test_initiative_page_shows_cascade_history_and_updates(login, shop_steward, org, area, initiative):
    county = InitiativeFactory(
        focus_area=area, level="county", implements=initiative, responsible_unit=unit(org, "A"), progress=40
    )
    page = (
        login(shop_steward)
        .get(reverse("strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk]))
        .content.decode()
    )
    assert "Carried out locally" in page and county.text in page and "Area A" in page and "40 %" in page
    assert "Save status" not in page  # readers get no edit controls


def test_initiative_detail_query_count_does_not_grow(
    login, board_member, area, initiative, django_assert_max_num_queries
):
    client = login(board_member)
    url = reverse("strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk])
    with django_assert_max_num_queries(14):
        client.get(url)
    for n in range(15):
        InitiativeFactory(focus_area=area, implements=initiative, level="local_union")
        InitiativeUpdateFactory = __import__("tests.factories", fromlist=["x"]).InitiativeUpdateFactory
        InitiativeUpdateFactory(initiative=initiative, text=f"Note {n}")
        initiative.progress = n
        initiative.save()
    with django_assert_max_num_queries(14):
        client.get(url)


# --- copy, export, import, print --------------------------------------------------------------


def test_copy_view_with_choices(login, board_member, plan, area, goal, initiative):
    client = login(board_member)
    url = reverse("strategy:plan_copy", args=[organization_slug_of(plan), plan.pk])
    assert 'value="2029"' in client.get(url).content.decode()
    response = client.post(
        url, {"title": "Strategi 2029-2032", "start_year": 2029, "end_year": 2032, "carry_goals": "on"}
    )
    new = StrategyPlan.objects.get(title="Strategi 2029-2032")
    assert response["Location"] == reverse("strategy:plan_detail", args=[organization_slug_of(new), new.pk])
    assert Goal.objects.filter(focus_area__plan=new).count() == 1
    assert not Initiative.objects.filter(focus_area__plan=new).exists()


def test_export_and_import_views(login, board_member, org, plan, area, goal, initiative):
    client = login(board_member)
    export = client.get(reverse("strategy:plan_export", args=[organization_slug_of(plan), plan.pk]))
    assert export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.plan_archive(plan=plan)  # one current plan per period: the copy takes over
    empty = StrategyPlanFactory(organization=org)
    url = reverse("strategy:plan_import", args=[organization_slug_of(empty), empty.pk])
    upload = SimpleUploadedFile("plan.csv", export.content, content_type="text/csv")
    assert client.post(url, {"file": upload})["Location"] == reverse(
        "strategy:plan_detail", args=[organization_slug_of(empty), empty.pk]
    )
    assert Initiative.objects.filter(focus_area__plan=empty).get().text == initiative.text

    broken = export.content.decode("utf-8-sig").replace(",planned,", ",someday,")
    services.plan_archive(plan=empty)
    target = StrategyPlanFactory(organization=org)
    upload = SimpleUploadedFile("plan.csv", broken.encode(), content_type="text/csv")
    response = client.post(
        reverse("strategy:plan_import", args=[organization_slug_of(target), target.pk]), {"file": upload}
    )
    assert response.status_code == 422
    assert "Row 4: unknown status “someday”." in response.content.decode()
    assert not target.focus_areas.exists()


def test_print_page_has_everything_and_print_css(login, shop_steward, plan, area, goal, initiative):
    page = (
        login(shop_steward)
        .get(reverse("strategy:plan_print", args=[organization_slug_of(plan), plan.pk]))
        .content.decode()
    )
    assert "strategy/strategy.css" in page
    assert all(text in page for text in (area.title, area.narrative, goal.text, initiative.text))


def test_units_and_goals_of_other_organisations_cannot_be_chosen(login, board_member, other_org, initiative):
    from tests.factories import GoalFactory as Goals

    foreign_goal = Goals()
    data = _initiative_data(initiative, responsible_unit=other_org.units.get().pk, goal=foreign_goal.pk)
    response = login(board_member).post(
        reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk]), data
    )
    assert response.content.decode().count("Select a valid choice.") == 2
    initiative.refresh_from_db()
    assert initiative.responsible_unit is None and initiative.goal != foreign_goal


def test_a_plain_note_never_conflicts_but_a_stale_status_change_does(login, board_member, initiative):
    client = login(board_member)
    url = reverse("strategy:initiative_update_post", args=[organization_slug_of(initiative), initiative.pk])
    client.post(
        reverse("strategy:initiative_status_set", args=[organization_slug_of(initiative), initiative.pk]),
        {"status": "paused", "progress": "5", "version": "1"},
    )
    note = client.post(url, {"on": "2026-03-02", "text": "Bare en note.", "version": "1"})
    assert note.status_code == 302
    stale = client.post(
        url, {"on": "2026-03-02", "text": "Genoptaget.", "status": "in_progress", "version": "1"}
    )
    assert "Someone else changed this initiative while you were writing" in stale.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == "paused"
    assert InitiativeUpdate.objects.count() == 1


def test_plan_list_query_count_does_not_grow(login, board_member, org, django_assert_max_num_queries):
    client = login(board_member)
    url = reverse("strategy:plan_list", args=[org.slug])
    with django_assert_max_num_queries(8):
        client.get(url)
    for n in range(20):
        StrategyPlanFactory(organization=org, start_year=1960 + 2 * n, end_year=1961 + 2 * n)
    with django_assert_max_num_queries(8):
        client.get(url)


def test_goal_detail_query_count_does_not_grow(
    login, board_member, area, goal, django_assert_max_num_queries
):
    client = login(board_member)
    url = reverse("strategy:goal_detail", args=[organization_slug_of(goal), goal.pk])
    with django_assert_max_num_queries(10):
        client.get(url)
    for n in range(15):
        InitiativeFactory(focus_area=area, goal=goal)
        goal.text = f"Mål, version {n}"
        goal.save()
    with django_assert_max_num_queries(10):
        assert "Mål, version 14" in client.get(url).content.decode()


def test_initiative_detail_htmx_returns_only_the_item(login, board_member, initiative):
    client = login(board_member)
    url = reverse("strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk])
    fragment = client.get(url, HTTP_HX_TARGET=f"initiative-{initiative.pk}", **HX).content.decode()
    assert fragment.startswith(f'<div id="initiative-{initiative.pk}"') and "<html" not in fragment
    assert "<html" in client.get(url).content.decode()


def test_local_measure_can_implement_a_county_one(login, board_member, area, initiative):
    county = InitiativeFactory(focus_area=area, level="county", implements=initiative)
    local = InitiativeFactory(focus_area=area, level="local_union")
    response = login(board_member).post(
        reverse("strategy:initiative_edit", args=[organization_slug_of(local), local.pk]),
        _initiative_data(local, implements=county.pk, level="local_union"),
    )
    assert response.status_code == 302
    page = (
        login(board_member)
        .get(reverse("strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk]))
        .content.decode()
    )
    assert local.text in page and county.text in page


@pytest.mark.parametrize("name", ["strategy:plan_print", "strategy:plan_export"])
def test_print_and_export_query_count_does_not_grow(
    login, shop_steward, plan, area, name, django_assert_max_num_queries
):
    client = login(shop_steward)
    url = reverse(name, args=[plan.organization.slug, plan.pk])
    with django_assert_max_num_queries(9):
        client.get(url)
    _many(area)
    FocusAreaFactory(plan=plan)
    with django_assert_max_num_queries(9):
        client.get(url)


# --- indicators that cannot be right (target date outside the plan, negative count or share) ------


def _goal_data(goal, **changes):
    data = {
        "text": goal.text,
        "indicator_unit": "%",
        "indicator_baseline": "30",
        "indicator_target": "40",
        "indicator_current": "",
        "indicator_target_date": "",
        "version": goal.version,
    }
    return {**data, **changes}


def test_target_date_outside_the_plans_period_is_refused_at_the_field(login, board_member, goal):
    response = login(board_member).post(
        reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk]),
        _goal_data(goal, indicator_target_date="1999-12-31"),
        **HX,
    )
    body = response.content.decode()
    assert "The target date must lie within the plan&#x27;s period, 2025–2028." in body
    assert 'id="id_indicator_target_date-error"' in body or "form-error-message" in body
    goal.refresh_from_db()
    assert goal.indicator_target_date is None and goal.version == 1


def test_target_date_inside_the_period_is_saved(login, board_member, goal):
    login(board_member).post(
        reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk]),
        _goal_data(goal, indicator_target_date="2028-12-31"),
    )
    goal.refresh_from_db()
    assert goal.indicator_target_date == date(2028, 12, 31)


@pytest.mark.parametrize("unit", ["%", "medlemmer", "overenskomster"])
def test_negative_count_or_percentage_is_refused(login, board_member, area, unit):
    response = login(board_member).post(
        reverse("strategy:goal_add", args=[organization_slug_of(area), area.pk]),
        {"text": "Flere medlemmer", "indicator_unit": unit, "indicator_baseline": "10",
         "indicator_target": "20", "indicator_current": "-3"},
        **HX,
    )  # fmt: skip
    assert "A count or a percentage cannot be below 0." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Goal.objects.exists()


@pytest.mark.parametrize("unit", ["procentpoint", "ændring i medlemmer", "prosentpoeng", "kr."])
def test_a_change_may_be_negative(login, board_member, area, unit):
    response = login(board_member).post(
        reverse("strategy:goal_add", args=[organization_slug_of(area), area.pk]),
        {"text": "Mindre fald", "indicator_unit": unit, "indicator_baseline": "-5",
         "indicator_target": "0", "indicator_current": "-3"},
        **HX,
    )  # fmt: skip
    assert response["HX-Retarget"] == "#goals"
    assert Goal.objects.get().indicator_current == -3


# --- a done initiative is 100 % done --------------------------------------------------------------


def test_marking_done_in_place_sets_progress_to_100(login, board_member, initiative):
    initiative.status, initiative.progress = Initiative.Status.IN_PROGRESS, 40
    initiative.save(update_fields=["status", "progress"])
    recorded = initiative.history.count()
    response = login(board_member).post(
        reverse("strategy:initiative_status_set", args=[organization_slug_of(initiative), initiative.pk]),
        {"status": "done", "progress": "40", "version": "1"},
        **HX,
    )
    body = response.content.decode()
    assert "Saved." in body and 'value="100"' in body and "100 %" in body
    initiative.refresh_from_db()
    assert (initiative.status, initiative.progress, initiative.version) == ("done", 100, 2)
    assert initiative.history.count() == recorded + 1  # one change in the history
    assert (initiative.history.first().status, initiative.history.first().progress) == ("done", 100)


def test_done_with_progress_edited_below_100_is_refused(login, board_member, initiative):
    initiative.status, initiative.progress = Initiative.Status.IN_PROGRESS, 40
    initiative.save(update_fields=["status", "progress"])
    client = login(board_member)
    edit = client.post(
        reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk]),
        _initiative_data(initiative, status="done", progress="60"),
        **HX,
    )
    assert "A done initiative has a progress of 100 %." in edit.content.decode()
    assert 'aria-invalid="true"' in edit.content.decode()
    in_place = client.post(
        reverse("strategy:initiative_status_set", args=[organization_slug_of(initiative), initiative.pk]),
        {"status": "done", "progress": "60", "version": "1"},
        **HX,
    )
    assert "A done initiative has a progress of 100 %." in in_place.content.decode()
    initiative.refresh_from_db()
    assert (initiative.status, initiative.progress, initiative.version) == ("in_progress", 40, 1)


def test_edit_form_marking_done_sets_progress_to_100(login, board_member, initiative):
    initiative.progress = 40
    initiative.save(update_fields=["progress"])
    response = login(board_member).post(
        reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk]),
        _initiative_data(initiative, status="done", progress="40"),
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.status, initiative.progress) == ("done", 100)


def test_update_marking_done_records_100(login, board_member, initiative):
    client = login(board_member)
    url = reverse("strategy:initiative_update_post", args=[organization_slug_of(initiative), initiative.pk])
    data = {"on": "2026-11-30", "text": "Sidste møde holdt.", "status": "done", "version": "1"}
    refused = client.post(url, {**data, "progress": "70"}, **HX)
    assert "A done initiative has a progress of 100 %." in refused.content.decode()
    assert not InitiativeUpdate.objects.exists()
    client.post(url, data, **HX)
    initiative.refresh_from_db()
    assert (initiative.status, initiative.progress) == ("done", 100)
    assert InitiativeUpdate.objects.get().progress == 100


# --- saving a goal with htmx ------------------------------------------------------------------------


def test_saving_from_the_edit_page_with_htmx_goes_back_to_the_goal(login, board_member, goal):
    client = login(board_member)
    url = reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk])
    detail = reverse("strategy:goal_detail", args=[organization_slug_of(goal), goal.pk])
    response = client.post(
        url,
        {"text": "Endnu flere medlemmer", "version": goal.version},
        HTTP_HX_CURRENT_URL=f"http://testserver{url}",
        **HX,
    )
    assert response["HX-Redirect"] == detail
    page = client.get(detail).content.decode()
    assert "Edit goal" not in page and "<h1>Goal</h1>" in page
    status = page.split('role="status"')[1].split("</div>")[0]
    assert "The goal was saved." in status


def test_saving_in_place_with_htmx_confirms_in_the_goal(login, board_member, area, goal):
    response = login(board_member).post(
        reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk]),
        {"text": "Endnu flere medlemmer", "version": goal.version},
        HTTP_HX_CURRENT_URL="http://testserver"
        + reverse("strategy:focus_area_detail", args=[area.plan.organization.slug, area.pk]),
        **HX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<div id="goal-{goal.pk}"')
    assert '<p class="portal-muted" role="status">Saved.</p>' in body
    assert "<form" not in body.split("Endnu flere medlemmer")[0]
    assert "HX-Redirect" not in response


@pytest.mark.parametrize("action", ["save", "cancel"])
def test_a_goal_edited_in_place_keeps_its_link_on_the_focus_area_page(
    login, board_member, area, goal, action
):
    slug = organization_slug_of(goal)
    goal_url = reverse("strategy:goal_detail", args=[slug, goal.pk])
    client = login(board_member)
    for page in (reverse("strategy:focus_area_detail", args=[slug, area.pk]), goal_url):
        headers = {
            "HTTP_HX_CURRENT_URL": "http://testserver" + page,
            "HTTP_HX_TARGET": f"goal-{goal.pk}",
            **HX,
        }
        if action == "save":
            goal.refresh_from_db()
            url = reverse("strategy:goal_edit", args=[slug, goal.pk])
            response = client.post(url, {"text": "Flere medlemmer", "version": goal.version}, **headers)
        else:
            response = client.get(goal_url, **headers)
        linked = f'<a href="{goal_url}">' in response.content.decode()
        assert linked == (page != goal_url)  # a link on the focus area's page, none on the goal's own


def test_an_initiative_changed_in_place_keeps_its_link_on_the_focus_area_page(
    login, board_member, area, initiative
):
    slug = organization_slug_of(initiative)
    own = reverse("strategy:initiative_detail", args=[slug, initiative.pk])
    client = login(board_member)
    for page in (reverse("strategy:focus_area_detail", args=[slug, area.pk]), own):
        response = client.post(
            reverse("strategy:initiative_status_set", args=[slug, initiative.pk]),
            {"status": "in_progress", "progress": 40},
            HTTP_HX_CURRENT_URL="http://testserver" + page,
            **HX,
        )
        assert (f'<a href="{own}">' in response.content.decode()) == (page != own)


def test_saving_a_goal_without_js_redirects_with_a_message(login, board_member, goal):
    client = login(board_member)
    response = client.post(
        reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk]),
        {"text": "Endnu flere medlemmer", "version": 1},
    )
    assert response["Location"] == reverse("strategy:goal_detail", args=[organization_slug_of(goal), goal.pk])
    assert "The goal was saved." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("kind", ["focus_area", "initiative"])
def test_saving_from_its_edit_page_with_htmx_goes_back_to_the_item(
    login, board_member, area, initiative, kind
):
    client = login(board_member)
    if kind == "focus_area":
        obj, data = area, {"title": "Nyt navn", "focus": "", "narrative": "", "version": area.version}
        heading, message = "Nyt navn", "The focus area was saved."
    else:
        obj, data = initiative, _initiative_data(initiative, text="Ny tekst")
        heading, message = "Ny tekst", "The initiative was saved."
    url = reverse(f"strategy:{kind}_edit", args=[organization_slug_of(obj), obj.pk])
    detail = reverse(f"strategy:{kind}_detail", args=[organization_slug_of(obj), obj.pk])
    response = client.post(url, data, HTTP_HX_CURRENT_URL=f"http://testserver{url}", **HX)
    assert response["HX-Redirect"] == detail
    page = client.get(detail).content.decode()
    assert "Edit " not in page.split("<h1")[1].split("</h1>")[0] and heading in page
    assert message in page.split('role="status"')[1].split("</div>")[0]


def test_a_formula_in_a_focus_area_title_is_not_handed_to_the_stewards_spreadsheet(
    login, shop_steward, org, plan
):
    from apps.strategy.models import FocusArea

    FocusArea.objects.create(plan=plan, title='=HYPERLINK("http://evil.example";"Klik")', position=99)
    body = (
        login(shop_steward)
        .get(reverse("strategy:plan_export", args=[organization_slug_of(plan), plan.pk]))
        .content.decode("utf-8-sig")
    )
    header = body.splitlines()[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    cells = [cell for line in csv.reader(io.StringIO(body), delimiter=delimiter) for cell in line]
    assert '\'=HYPERLINK("http://evil.example";"Klik")' in cells
    assert not any(cell.startswith("=") for cell in cells)


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_the_goal_forms_labels_name_each_field_apart(login, board_member, goal, language):
    """The goal's text and its indicator's target value were both labelled "Mål" in Danish."""
    board_member.language = language
    board_member.save(update_fields=["language"])
    url = reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk])
    page = login(board_member).get(url).content.decode()
    labels = [  # the text of each label, without the "(required)" marker
        " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<span[^>]*>.*?</span>", "", label)).split())
        for label in re.findall(r"<label[^>]*>(.*?)</label>", page, flags=re.S)
    ]
    assert len(labels) >= 5
    assert len(labels) == len({label.casefold() for label in labels}), labels


def test_an_update_dated_in_the_future_is_refused_at_the_date_field(login, board_member, initiative):
    url = reverse("strategy:initiative_update_post", args=[organization_slug_of(initiative), initiative.pk])
    data = {"on": "2030-01-01", "text": "Fremtidig.", "progress": "40", "version": "1"}
    response = login(board_member).post(url, data)
    assert response.status_code == 422
    assert "its date cannot be after today" in response.text
    assert not InitiativeUpdate.objects.exists()
