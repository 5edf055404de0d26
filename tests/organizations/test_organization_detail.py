from html.parser import HTMLParser

import pytest
from django.urls import reverse


def url(org):
    return reverse("organizations:detail", args=[org.slug])


def test_member_sees_units_but_not_people(login, org, shop_steward):
    response = login(shop_steward).get(url(org))
    assert response.status_code == 200
    assert "Department A1" in response.text
    assert shop_steward.email not in response.text


def test_admin_sees_people_and_roles(login, org, org_admin, shop_steward):
    response = login(org_admin).get(url(org))
    assert shop_steward.email in response.text


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(url(org))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_other_organisation_is_404(login, org, board_member_other):
    assert login(board_member_other).get(url(org)).status_code == 404


def test_wrong_method(login, org, board_member):
    assert login(board_member).post(url(org)).status_code == 405


def test_query_count_does_not_grow_with_units(login, org, org_admin, django_assert_max_num_queries):
    from tests.factories import add_unit

    client = login(org_admin)
    with django_assert_max_num_queries(8):
        client.get(url(org))
    for i in range(30):
        add_unit(org, f"extra{i}")
    with django_assert_max_num_queries(8):
        response = client.get(url(org))
    assert "extra29" in response.text


@pytest.mark.parametrize("language,word", [("da", "Enheder"), ("nb", "Enheter"), ("en", "Units")])
def test_page_in_each_language(login, org, board_member, language, word):
    board_member.language = language
    board_member.save(update_fields=["language"])
    assert word in login(board_member).get(url(org)).text


class _ListItems(HTMLParser):
    """Each list item's text -> the texts of the list items around it, outermost first."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[list[str]] = []
        self.ancestors: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self.open.append([])

    def handle_endtag(self, tag):
        if tag == "li":
            text = "".join(self.open.pop()).strip()
            self.ancestors[text] = ["".join(item).strip() for item in self.open]

    def handle_data(self, data):
        if self.open:
            self.open[-1].append(data)


def test_units_are_nested_lists(login, org, board_member):
    """The tree is in the markup (a unit's children are a list inside its item), not only in the
    indentation, so a screen reader announces the levels."""
    from tests.factories import add_unit

    add_unit(org, "A1b", "Team <A1b> & Co", parent=org.units.get(code="A1"))
    html = login(board_member).get(url(org)).text
    tree = html[html.index('<ul class="portal-tree">') :]
    items = _ListItems()
    items.feed(tree[: tree.index("</ul>\n") + 5])
    name = lambda text: text.split(" (")[0]  # noqa: E731 - the unit's name without its code
    parents = {name(text): [name(outer) for outer in around] for text, around in items.ancestors.items()}
    assert parents["Area A"] == []
    assert parents["Department A1"] == ["Area A"]
    assert parents["Team A1a"] == ["Area A", "Department A1"]
    assert parents["Team <A1b> & Co"] == ["Area A", "Department A1"]
    assert parents["Area B"] == []
    assert "Team &lt;A1b&gt; &amp; Co" in html
