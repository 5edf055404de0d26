from django import forms


class PortalFormMixin:
    """Gives every widget the design system's classes and links errors to fields for screen readers."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            css = widget.attrs.get("class", "")
            if isinstance(widget, forms.Select | forms.SelectMultiple):
                extra = "form-select"
            elif isinstance(widget, forms.Textarea):
                extra = "form-input"
            elif isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                extra = "form-checkbox"
            else:
                extra = "form-input"
            widget.attrs["class"] = f"{css} {extra}".strip()
            if self.is_bound and name in self.errors:  # type: ignore[attr-defined]
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}_error"
