"""The one breadcrumb trail every app uses (``{% breadcrumbs %}``)."""

import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(source: str, **context) -> str:
    return Template("{% load portal_breadcrumbs %}" + source).render(Context(context))


def test_the_trail_runs_from_the_overview_to_the_page():
    html = render(
        '{% breadcrumbs "/clubs/x/" "Clubs" "/clubs/x/club/1/" club current="Log a meeting" %}',
        club="TR-klubben",
    )
    assert html.index('href="/"') < html.index('href="/clubs/x/"') < html.index('href="/clubs/x/club/1/"')
    assert ">TR-klubben</a>" in html
    assert '<li class="breadcrumbs__list-item" aria-current="page">' in html
    assert html.rstrip().endswith("</nav>") and "Log a meeting</li>" in html
    assert 'aria-label="Brødkrummesti"' in html  # Danish, the default


def test_a_level_without_an_address_is_left_out_and_names_are_escaped():
    html = render('{% breadcrumbs "" "Hidden" "/a/" name %}', name="<b>Udvalg & co</b>")
    assert "Hidden" not in html
    assert "&lt;b&gt;Udvalg &amp; co&lt;/b&gt;" in html
    assert "aria-current" not in html


def test_an_odd_number_of_arguments_is_a_template_error():
    with pytest.raises(TemplateSyntaxError):
        render('{% breadcrumbs "/a/" %}')
