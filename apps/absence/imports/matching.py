"""The absence rows of a file, one employee at a time: each matched to the registration it updates, and
refused when it repeats or overlaps another row of the file or a registration in the portal."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_noop

from apps.core import texts
from apps.organizations.models import Organization

from ..models import AbsenceRegistration, AbsenceType
from .plan import CREATE, FAILED, OPEN, UNCHANGED, UPDATE, AbsenceTable, ImportPlan


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return a_start <= (b_end or date.max) and b_start <= (a_end or date.max)


def _span(start: date, end: date | None) -> texts.Said:
    last = texts.day(end) if end else texts.text(gettext_noop("ongoing"))
    return texts.text("%(start)s\u2013%(end)s", start=texts.day(start), end=last)  # no words: not translated


def _type_name(code: str) -> texts.Said | str:
    """An absence type by its name in the reader's language."""
    return texts.lower(texts.label(AbsenceType(code).label))


def _existing_registrations(organization: Organization, table: AbsenceTable, with_notes: bool):
    """The registrations that can match or overlap a row (of the file's employees, touching its period),
    ordered by employee, as a stream: (employee pk, [(pk, type, start, end, thousandths, note), ...])."""
    candidates = AbsenceRegistration.objects.filter(employee__organization=organization)
    first = date.fromordinal(min(table.start))
    last = max(table.end)
    candidates = candidates.filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
    if last != OPEN:
        candidates = candidates.filter(start_date__lte=date.fromordinal(last))
    employee_ids = set(table.employee)
    if len(employee_ids) < 5000:  # a short IN list helps; a long one costs more than it saves
        candidates = candidates.filter(employee_id__in=employee_ids)
    fields = ["employee_id", "pk", "absence_type", "start_date", "end_date", "fraction"]
    if with_notes:
        fields.append("note")
    current: int | None = None
    group: list[tuple] = []
    for values in candidates.order_by("employee_id", "start_date").values_list(*fields).iterator(5000):
        employee_id, pk, type_code, start, end, fraction = values[:6]
        if employee_id not in employee_ids:
            continue
        if employee_id != current:
            if group:
                yield current, group
            current, group = employee_id, []
        group.append((pk, type_code, start, end, int(fraction * 1000), values[6] if with_notes else ""))
    if group:
        yield current, group


def match_rows(organization: Organization, table: AbsenceTable, plan: ImportPlan, number_of) -> None:
    """Per employee (one at a time, in pk order, beside the stream of their registrations in the portal):
    match each row to what exists, and refuse duplicates and overlaps in the file or with the portal."""
    codes, day = table.type_codes, table.day
    existing_stream = _existing_registrations(organization, table, plan.has_notes)
    pending = next(existing_stream, None)
    for employee_id, rows in table.by_employee():
        while pending is not None and pending[0] < employee_id:
            pending = next(existing_stream, None)
        existing = pending[1] if pending is not None and pending[0] == employee_id else []
        number = number_of[employee_id]
        by_key = {(e[1], e[2].toordinal()): e for e in existing}
        seen: dict[tuple[str, int], int] = {}
        failed: set[int] = set()
        for i in rows:
            key = (codes[table.type[i]], table.start[i])
            if key in seen:
                plan.add_error(
                    table.line[i],
                    texts.text(
                        gettext_noop(
                            "the same registration (employee %(number)s, %(type)s from %(start)s) "
                            "is also on line %(other)d"
                        ),
                        number=number,
                        type=_type_name(key[0]),
                        start=texts.day(date.fromordinal(table.start[i])),
                        other=seen[key],
                    ),
                )
                failed.add(i)
                continue
            seen[key] = table.line[i]
            match = by_key.get(key)
            if match is None:
                table.action[i] = CREATE
                continue
            pk, _type, _start, end, fraction, note = match
            table.pk[i] = pk
            old_end = end.toordinal() if end else OPEN
            table.old_end[i] = old_end
            same = old_end == table.end[i] and fraction == table.fraction[i]
            if plan.has_notes:
                same = same and note == table.notes.get(i, "")
            table.action[i] = UNCHANGED if same else UPDATE
        # Overlaps within the file: rows are sorted by start, so compare each with every later one it reaches.
        for position, i in enumerate(rows):
            for other in rows[position + 1 :]:
                if table.start[other] > table.end[i]:
                    break
                if other in failed or i in failed:
                    continue
                plan.add_error(
                    table.line[other],
                    texts.text(
                        gettext_noop("overlaps line %(other)d for employee %(number)s (%(span)s)"),
                        other=table.line[i],
                        number=number,
                        span=_span(date.fromordinal(table.start[i]), day(table.end[i])),
                    ),
                )
                failed.add(other)
        # Overlaps with registrations already in the portal that this file does not replace.
        replaced = {table.pk[i] for i in rows if table.pk[i]}
        for i in rows:
            if i in failed:
                continue
            for pk, type_code, start, end, _fraction, _note in existing:
                if pk in replaced:
                    continue
                if _overlaps(date.fromordinal(table.start[i]), day(table.end[i]), start, end):
                    plan.add_error(
                        table.line[i],
                        texts.text(
                            gettext_noop(
                                "overlaps an existing registration of employee %(number)s "
                                "(%(type)s, %(span)s)"
                            ),
                            number=number,
                            type=_type_name(type_code),
                            span=_span(start, end),
                        ),
                    )
                    failed.add(i)
                    break
        for i in failed:
            table.action[i] = FAILED
