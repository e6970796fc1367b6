"""ORETRACE_SMTP_URL → Django's e-mail settings; a bad URL names the variable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from oretrace.settings import email_from_url


def test_plain_starttls_and_implicit_tls_urls() -> None:
    assert email_from_url("smtp://mail.local:2525") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.local",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }
    starttls = email_from_url("smtp+starttls://ore%40group.test:p%40ss%3Aword@smtp.group.test")
    assert starttls["EMAIL_HOST_USER"] == "ore@group.test"
    assert starttls["EMAIL_HOST_PASSWORD"] == "p@ss:word"
    assert (starttls["EMAIL_PORT"], starttls["EMAIL_USE_TLS"], starttls["EMAIL_USE_SSL"]) == (
        587,
        True,
        False,
    )
    implicit = email_from_url("smtps://u:p@smtp.group.test")
    assert (implicit["EMAIL_PORT"], implicit["EMAIL_USE_TLS"], implicit["EMAIL_USE_SSL"]) == (
        465,
        False,
        True,
    )
    assert email_from_url("") == {}


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://mail.local", "scheme"),
        ("smtp://mail.local:99999", "port"),
        ("smtp://:25", "host"),
        ("smtp://mail.local/inbox", "no path"),
    ],
)
def test_a_bad_url_names_the_variable(url: str, why: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=why) as refused:
        email_from_url(url)
    assert str(refused.value).startswith("ORETRACE_SMTP_URL=")


def test_the_password_is_not_repeated_in_the_error() -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        email_from_url("smtp://user:s3cret@mail.local:notaport")
    assert "s3cret" not in str(refused.value)
