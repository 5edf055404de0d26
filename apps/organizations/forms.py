import io

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.core.forms import PortalFormMixin

from .models import BRAND_COLOR_VALIDATOR


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


class LogoField(forms.FileField):
    """A PNG or JPEG logo, checked by decoding it (not by its name or declared type) and re-encoded as
    PNG: what is stored and served is an image Pillow wrote, without metadata or anything appended."""

    max_bytes = 2 * 1024 * 1024
    max_side = 4000
    stored_side = 1200  # plenty for a cover printed at 300 dpi

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The logo may be at most %(size)s MB.") % {"size": self.max_bytes // (1024 * 1024)}
            )
        from PIL import Image, UnidentifiedImageError

        try:
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format not in {"PNG", "JPEG"}:
                    raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
                if max(image.size) > self.max_side:
                    raise forms.ValidationError(
                        _("The logo may be at most %(side)s pixels wide and high.") % {"side": self.max_side}
                    )
                image.load()
                converted = image.convert("RGBA")
                converted.thumbnail((self.stored_side, self.stored_side))
                out = io.BytesIO()
                converted.save(out, format="PNG", optimize=True)
        except forms.ValidationError:
            raise
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image.")) from error
        return out.getvalue()


class AppearanceForm(PortalFormMixin, forms.Form):
    logo = LogoField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 2 MB. Printed on the cover of the annual report."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    brand_color = forms.CharField(
        label=_("Colour"),
        required=False,
        max_length=7,
        validators=[BRAND_COLOR_VALIDATOR],
        help_text=_("The cover's colour; the text on it is black or white, whichever reads best."),
        widget=forms.TextInput(attrs={"type": "color"}),
    )
