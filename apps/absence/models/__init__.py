"""Sickness-absence follow-up (DOMAIN.md section 1).

Registrations are the facts (from payroll or the HR form). Spells are derived from them (never edited
by hand) and advisories hang on spells. Code that writes registrations in bulk (imports) must call
``services.spells_rederive_many(organization=..., employee_ids=...)`` in the same transaction.
There is no diagnosis field anywhere on purpose (GDPR art. 9).
"""

from __future__ import annotations

from .advisories import (
    CONTACT_PRESETS,
    LEGAL_LABELS,
    LEGAL_MILESTONE_DAYS,
    Adjustment,
    Advisory,
    AdvisoryEvent,
    AdvisoryPolicy,
    ContactForm,
    FollowUpOutcome,
    HealthTerm,
    Spell,
    default_bradford_bands,
    default_contact_days,
    default_extra_days_off,
    default_frequent_rules,
    default_type_settings,
)
from .employees import (
    NOTE_MAX_LENGTH,
    NOTE_WARNING,
    AbsenceRegistration,
    AbsenceType,
    Employee,
    EmployeeAccessLog,
    latest_first_day,
    overlapping_registrations,
)
from .jobs import (
    ImportJob,
    ImportStorage,
    PendingSweep,
    SweepState,
    _import_file_name,
    import_storage,
)
from .statistics import (
    AbsenceMonth,
    AbsencePersonYear,
    AbsenceUnitMonth,
    AbsenceUnitYear,
    StatisticsSnapshot,
    StatisticsVersion,
)

__all__ = [
    "AbsenceType",
    "Employee",
    "AbsenceRegistration",
    "overlapping_registrations",
    "EmployeeAccessLog",
    "NOTE_MAX_LENGTH",
    "latest_first_day",
    "NOTE_WARNING",
    "ContactForm",
    "FollowUpOutcome",
    "Adjustment",
    "HealthTerm",
    "CONTACT_PRESETS",
    "LEGAL_MILESTONE_DAYS",
    "default_contact_days",
    "default_extra_days_off",
    "default_type_settings",
    "default_frequent_rules",
    "default_bradford_bands",
    "AdvisoryPolicy",
    "Spell",
    "Advisory",
    "LEGAL_LABELS",
    "AdvisoryEvent",
    "StatisticsSnapshot",
    "AbsenceMonth",
    "AbsenceUnitMonth",
    "AbsenceUnitYear",
    "AbsencePersonYear",
    "StatisticsVersion",
    "SweepState",
    "PendingSweep",
    "ImportStorage",
    "import_storage",
    "_import_file_name",
    "ImportJob",
]
