"""The one way a row of an ordered list moves a step up or down."""

import pytest

from apps.core.ordering import move_row, moved, save_order
from apps.reports.models import ReportSectionChoice
from tests.factories import AnnualReportFactory


def test_moved_swaps_with_the_neighbour_and_stays_at_either_end():
    assert moved([1, 2, 3], 2, "up") == [2, 1, 3]
    assert moved([1, 2, 3], 2, "down") == [1, 3, 2]
    assert moved([1, 2, 3], 1, "up") == [1, 2, 3]
    assert moved([1, 2, 3], 3, "down") == [1, 2, 3]


def test_moved_leaves_the_list_it_was_given_alone_and_refuses_nonsense():
    order = [1, 2]
    assert moved(order, 1, "down") == [2, 1] and order == [1, 2]
    with pytest.raises(ValueError):
        moved(order, 1, "sideways")
    with pytest.raises(ValueError):
        moved(order, 7, "up")


@pytest.mark.django_db
def test_move_row_renumbers_so_ties_and_gaps_never_block_a_move(org):
    report = AnnualReportFactory(organization=org)
    rows = list(report.section_choices.order_by("position", "pk"))
    assert len(rows) >= 3
    ReportSectionChoice.objects.filter(pk__in=[r.pk for r in rows]).update(position=7)
    order = move_row(report.section_choices.all(), rows[1], "up")
    assert [r.pk for r in order][:2] == [rows[1].pk, rows[0].pk]
    assert list(report.section_choices.order_by("position").values_list("position", flat=True)) == list(
        range(1, len(rows) + 1)
    )


@pytest.mark.django_db
def test_save_order_can_hand_out_the_positions_the_rows_had(org, django_assert_num_queries):
    report = AnnualReportFactory(organization=org)
    first, second, *_rest = report.section_choices.order_by("position")
    positions = [first.position, second.position]
    with django_assert_num_queries(1):
        save_order([second, first], positions=positions)
    assert (second.position, first.position) == tuple(positions)
    with django_assert_num_queries(0):  # nothing changes the second time
        save_order([second, first], positions=positions)
