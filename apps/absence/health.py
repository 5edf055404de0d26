"""The check that keeps diagnoses and other health details out of the portal's notes (DOMAIN.md 1.9).

Every note (an advisory step, a registration, an imported row, an HR review) passes ``note_check``
in the service that writes it, so a form, an import or a script cannot get past it. The words and codes
come from the ``HealthTerm`` table (a SETTING kept in the Django admin, seeded by migration 0007). All
active terms are checked whatever the interface language: a Danish note may use an English word.

Matching is case-insensitive and on word boundaries, so "kræft" does not refuse "kræfter" (strength)
and "F32" does not refuse "AF321B". "Stress" is deliberately not in the seed list: it is a
work-environment word the follow-up needs ("stress in the team"); its diagnosis names are
(belastningsreaktion, PTSD).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, gettext_noop

from apps.core import texts

from .models import NOTE_MAX_LENGTH, HealthTerm

# Not preceded / followed by a letter or digit: a whole word in any alphabet (æ, ø, å included).
_BEFORE, _AFTER = r"(?<![^\W_])", r"(?![^\W_])"

HEALTH_TEXT_EXPLANATION = gettext_lazy(
    "The portal may not hold diagnoses or other health details (GDPR article 9), and an employer may not "
    "ask for the diagnosis. Write instead what was agreed and done, for example “Phoned; expects to be "
    "back Monday; reduced hours for two weeks”, and use the fields for contact form, outcome and "
    "adjustments."
)


@functools.lru_cache(maxsize=2048)
def compile_term(kind: str, term: str) -> re.Pattern[str]:
    """The regular expression of one term; raises ``re.error`` for a bad pattern."""
    if kind == HealthTerm.Kind.PATTERN:
        body = f"(?:{term})"
    else:
        body = r"\s+".join(re.escape(part) for part in term.split())
        if kind == HealthTerm.Kind.WORD_START:
            body += r"[^\W_]*"
    return re.compile(f"{_BEFORE}{body}{_AFTER}", re.IGNORECASE)


class HealthTerms:
    """The active terms, compiled once: build one per request or per imported file."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for term, kind, label in rows:
            try:
                self.patterns.append((compile_term(kind, term), label))
            except re.error:
                continue  # HealthTerm.clean refuses bad patterns; one saved around it must not stop notes

    @classmethod
    def active(cls) -> HealthTerms:
        return cls(HealthTerm.objects.filter(active=True).values_list("term", "kind", "label"))

    def find(self, text: str) -> list[str]:
        """The words of ``text`` that match, in the order they appear, each once."""
        found: list[tuple[int, str]] = []
        seen: set[str] = set()
        for pattern, label in self.patterns:
            for match in pattern.finditer(text):
                word = match.group(0)
                shown = f"“{word}” ({label})" if label else f"“{word}”"
                if word.lower() not in seen:
                    seen.add(word.lower())
                    found.append((match.start(), shown))
        return [shown for _start, shown in sorted(found)]


def health_text_message(matches: list[str]) -> texts.Said:
    """What is wrong with a note naming these words, and what to write instead (kept by an import job
    to be read in the reader's language, ``apps.core.texts``)."""
    return texts.joined(
        texts.text(
            gettext_noop(
                "The note contains %(matches)s, which the portal treats as a diagnosis or health detail."
            ),
            matches=", ".join(matches),
        ),
        texts.label(HEALTH_TEXT_EXPLANATION),
    )


def note_check(text: str, *, terms: HealthTerms | None = None, max_length: int = NOTE_MAX_LENGTH) -> str:
    """The note, stripped, or a ValidationError saying what is wrong and what to write instead."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) > max_length:
        raise ValidationError(
            texts.text(
                gettext_noop("The note is %(length)d characters long; keep it to at most %(max)d."),
                length=len(text),
                max=max_length,
            ),
            code="max_length",
        )
    matches = (terms or HealthTerms.active()).find(text)
    if matches:
        raise ValidationError(health_text_message(matches), code="health_text")
    return text


def validate_note(value: str) -> None:
    """A form field validator: the same check as the services'."""
    note_check(value)
