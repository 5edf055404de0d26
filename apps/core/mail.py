"""Emails from templates, in the recipient's language, sent after commit: every mail the portal writes.

A mail ``app/email/name`` is ``app/email/name_subject.txt`` (one line), ``app/email/name.txt`` and,
when asked for, ``app/email/name.html``. The templates get ``user`` (the recipient) besides the
context given. Inside a transaction the mail leaves when it commits and not at all on a rollback;
outside one (a Celery task) it leaves at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from apps.organizations.models import User


def portal_url(path: str) -> str:
    """``path`` as a link for an email: absolute when PORTAL_BASE_URL (https://portal.example.dk) is set."""
    return getattr(settings, "PORTAL_BASE_URL", "").rstrip("/") + path


def send_templated_email(
    *,
    user: User,
    template: str,
    context: dict | None = None,
    fallback_language: str = "",
    html: bool = False,
    fail_silently: bool = False,
) -> None:
    """Render ``template`` for ``user`` in their language (else ``fallback_language``, typically their
    organisation's, else the site's) and send it to their address once the transaction commits."""
    language = user.language or fallback_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"user": user, **(context or {})}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
        html_body = render_to_string(f"{template}.html", context) if html else None
    recipient = user.email
    transaction.on_commit(
        lambda: send_mail(
            subject, body, None, [recipient], html_message=html_body, fail_silently=fail_silently
        )
    )
