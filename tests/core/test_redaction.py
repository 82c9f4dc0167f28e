"""Secrets and identifiers leave screen text before it is stored."""

from __future__ import annotations

import pytest

from app.core.redaction import luhn_valid, redact


@pytest.mark.parametrize(
    ("text", "secret", "kind"),
    [
        ("export OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t", "sk-proj-Ab3d", "token"),
        ("token ghp_1234567890abcdefghijABCDEFGHIJ12 in use", "ghp_1234", "token"),
        ("aws AKIAIOSFODNN7EXAMPLE key", "AKIAIOSFODNN7EXAMPLE", "token"),
        ("Authorization: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
         "eyJhbGci", "token"),
        ("password: hunter2", "hunter2", "secret"),
        ("Passwort? no. PIN is 4512", "4512", "secret"),
        ("card 4111 1111 1111 1111 exp 12/29", "4111 1111", "card number"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n"
         "-----END OPENSSH PRIVATE KEY-----", "b3BlbnNz", "private key"),
        ("seed 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 here",
         "9f86d081", "key"),
    ],
)  # fmt: skip
def test_secrets_are_hidden(text: str, secret: str, kind: str) -> None:
    result = redact(text)
    assert secret not in result.text
    assert f"[{kind} hidden]" in result.text and result.total >= 1


def test_ordinary_text_is_left_alone() -> None:
    text = ("Revenue grew 12% in Q3; meeting at 14:30 on 2026-03-17 in room 4.12. "
            "Order #123456 shipped. The flat is at 27 Hyde Park Road.")  # fmt: skip
    result = redact(text)
    assert result.text == text and result.total == 0


def test_a_number_that_fails_the_luhn_check_is_not_a_card() -> None:
    assert not luhn_valid("4111111111111112")
    assert redact("ticket 4111 1111 1111 1112").total == 0


def test_contacts_are_hidden_only_when_asked() -> None:
    text = "Write to ana.lopes@example.org or call +44 113 496 0000."
    assert redact(text).text == text
    hidden = redact(text, contacts=True)
    assert "example.org" not in hidden.text and "496" not in hidden.text
    assert hidden.counts["e-mail"] == 1 and hidden.counts["phone number"] == 1
