"""Emails from templates: in the recipient's language, and only once the transaction commits."""

import pytest
from django.core import mail
from django.db import transaction

from apps.core.mail import portal_url, send_templated_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "test/email/hello_subject.txt": "{% get_current_language as language %} Hello {{ language }}\n",
    "test/email/hello.txt": "Dear {{ user.first_name }}, {{ what }}",
    "test/email/hello.html": "<p>Dear {{ user.first_name }}, {{ what }}</p>",
}


@pytest.fixture(autouse=True)
def templates(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)],
                "builtins": ["django.templatetags.i18n"],
            },
        }
    ]


def test_rendered_in_the_recipients_language_and_sent_on_commit(django_capture_on_commit_callbacks):
    user = UserFactory(first_name="Kari", language="nb")
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(user=user, template="test/email/hello", context={"what": "hi"})
        assert mail.outbox == []  # not before the commit
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Hello nb"
    assert message.body == "Dear Kari, hi"
    assert message.alternatives == []


def test_without_a_language_of_their_own_the_fallback_then_danish(django_capture_on_commit_callbacks):
    user = UserFactory(language="")
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(user=user, template="test/email/hello", fallback_language="en")
        send_templated_email(user=user, template="test/email/hello")
    assert [m.subject for m in mail.outbox] == ["Hello en", "Hello da"]


def test_an_html_part_when_asked_for(django_capture_on_commit_callbacks):
    user = UserFactory(first_name="Ole")
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(user=user, template="test/email/hello", context={"what": "x"}, html=True)
    assert mail.outbox[0].alternatives[0][0] == "<p>Dear Ole, x</p>"


@pytest.mark.django_db(transaction=True)
def test_nothing_leaves_when_the_transaction_rolls_back():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        send_templated_email(user=user, template="test/email/hello")
        raise RuntimeError
    assert mail.outbox == []
    send_templated_email(user=user, template="test/email/hello")  # outside a transaction: at once
    assert len(mail.outbox) == 1


def test_links_are_absolute_when_the_portal_knows_its_address(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.dk/"
    assert portal_url("/med/norddjurs/meeting/1/") == "https://portal.example.dk/med/norddjurs/meeting/1/"
    settings.PORTAL_BASE_URL = ""
    assert portal_url("/med/norddjurs/meeting/1/") == "/med/norddjurs/meeting/1/"
