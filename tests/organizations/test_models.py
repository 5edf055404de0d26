import pytest
from django.db import IntegrityError

from tests.factories import add_unit


def test_unit_codes_are_unique_per_organisation(org, other_org):
    add_unit(other_org, "A", "Same code, other organisation")
    with pytest.raises(IntegrityError):
        add_unit(org, "A", "Duplicate")


def test_tree_of_any_depth(org):
    parent = org.units.get(code="A1a")
    for depth in range(6):
        parent = add_unit(org, f"deep{depth}", parent=parent)
    assert parent.depth == 9
    assert org.units.get(code="A").contains(parent)
