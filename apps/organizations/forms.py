from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email", "class": "form-input"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-input"}),
    )

    error_messages = {
        "invalid_login": _(
            "The email address or the password is wrong. Both are case-sensitive for the password."
        ),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


def axes_username(request, credentials: dict | None) -> str | None:
    """Lock-out counts per address, whatever the letter case the attacker types."""
    value = (credentials or {}).get("username") or request.POST.get("username")
    return value.strip().lower() if value else None
