from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load portal_choices %}" + source).render(Context(context))


def test_options_escape_values_and_labels_and_select_the_chosen():
    html = render(
        "{% options choices chosen %}",
        choices=[("a&b", "<b>Bold</b>"), (2, "Two"), ("3", "Three")],
        chosen="2",
    )
    assert html == (
        '<option value="a&amp;b">&lt;b&gt;Bold&lt;/b&gt;</option>'
        '<option value="2" selected>Two</option>'
        '<option value="3">Three</option>'
    )


def test_options_without_a_choice_select_nothing():
    assert " selected" not in render("{% options choices %}", choices=[("", "–"), ("x", "X")])


def test_checkboxes_check_every_chosen_value_with_ids_of_their_own():
    html = render(
        '{% checkboxes "adjustments" choices checked "adjustment" 7 %}',
        choices=[("aids", "Aids"), ("none", "None <none>")],
        checked=["aids"],
    )
    assert html == (
        '<div class="form-group-checkbox">'
        '<input type="checkbox" class="form-checkbox" id="adjustment-7-aids" name="adjustments" value="aids" '
        "checked>"
        '<label class="form-label" for="adjustment-7-aids">Aids</label></div>'
        '<div class="form-group-checkbox">'
        '<input type="checkbox" class="form-checkbox" id="adjustment-7-none" name="adjustments" value="none">'
        '<label class="form-label" for="adjustment-7-none">None &lt;none&gt;</label></div>'
    )
