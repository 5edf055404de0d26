import pytest
from django.urls import reverse

from apps.core.rows import reverse_each


@pytest.mark.parametrize(
    ("viewname", "args"),
    [
        ("meetings:committee_detail", ["norddjurs"]),
        ("clubs:club_detail", ["djoef-offentlig"]),
        ("strategy:initiative_detail", ["slug-with-987654321-in-it"]),
        ("strategy:initiative_detail", ["slug-987654321987654321-the-whole-marker"]),
    ],
)
def test_each_address_is_what_reverse_gives(viewname, args):
    url = reverse_each(viewname, *args)
    for pk in (1, 7, 42, 987654321, 10**12):
        assert url(pk) == reverse(viewname, args=[*args, pk])


def test_a_pk_is_written_as_a_number_only():
    url = reverse_each("meetings:committee_detail", "norddjurs")
    with pytest.raises(ValueError):
        url("1/../../admin")
