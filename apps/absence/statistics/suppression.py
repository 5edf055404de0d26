"""Suppression: every figure that describes fewer than ``settings.ABSENCE_MIN_GROUP_SIZE`` people is
hidden from those who may not see individual data, and so is whatever would let it be worked out."""

from __future__ import annotations

from collections import defaultdict, deque

from django.conf import settings

from apps.organizations.models import OrgUnit

from .periods import Period
from .queries import ALL_TYPES, PACK_BITS

NUMBER_FIELDS = (
    "people",
    "spells",
    "calendar_days",
    "absence_hours",
    "absence_pct",
    "days_per_fte",
    "absence_days",
)


class MonthPeople:
    """(month index, unit id, type) -> people, as ``get`` of a dict, held as one integer per unit and
    type with month ``i``'s count at bits ``PACK_BITS * i`` (``absence_rows(packed=True)``): summed up
    the unit tree with one addition per unit and type, not one per month."""

    _mask = (1 << PACK_BITS) - 1

    def __init__(self, packed: dict[tuple[int, str], int] | None = None) -> None:
        self.packed = packed if packed is not None else {}

    def get(self, key: tuple[int, int, str], default: int = 0) -> int:
        index, unit_id, code = key
        value = self.packed.get((unit_id, code))
        return (value >> (PACK_BITS * index)) & self._mask if value else default

    def add(self, index: int, unit_id: int, code: str, count: int) -> None:
        if not 0 <= count <= self._mask:
            raise ValueError(f"{count} people do not fit in {PACK_BITS} bits")
        key = (unit_id, code)
        self.packed[key] = self.packed.get(key, 0) + (count << (PACK_BITS * index))

    def codes(self) -> set[str]:
        return {code for _unit_id, code in self.packed}

    def latest_pair(self, unit_id: int, code: str) -> tuple[int, int] | None:
        """(people of month ``m``, of month ``m - 12``) for the latest ``m`` of 12-23 where either is not
        0, or None: ``period_cells``' walk back through the months, as bit arithmetic."""
        value = self.packed.get((unit_id, code))
        if not value:
            return None
        year_bits = PACK_BITS * 12
        now, dropped = value >> year_bits, value & ((1 << year_bits) - 1)
        either = now | dropped
        if not either:
            return None
        shift = (either.bit_length() - 1) // PACK_BITS * PACK_BITS
        return (now >> shift) & self._mask, (dropped >> shift) & self._mask


def period_cells(
    people: dict[tuple[int, int, str], int] | MonthPeople,
    hidden_months: set[tuple[int, int]],
    unit_ids: list[int],
) -> set[tuple]:
    """Cells ("type", unit, code) of the rolling year ending with the last of 24 calendar months
    (indexes 0-23) to hide, lest the figures of the year one month earlier (or later) give away one
    month's absence of a few people. ``people``: (month index, unit, type or ALL_TYPES) -> the
    employees with absence of it that month; ``hidden_months``: the (month, unit) chart points hidden.

    The year's figures less those of the year one month earlier are the last month's figures less
    those of the month dropped out (12 months before it): what the people absent in those two months
    did. A type's year is hidden when those people may be fewer than the limit (neither month alone
    holds as many; the two could be the same people). When neither month had anyone, the figures
    are those of the month before, and so is the decision: the same comparison a month further back.
    Compared with any earlier month-end the difference then holds one of these changes, whole. The
    total of the counting types is shown month by month in the chart: its year is hidden when one of
    its 12 months is, or the year less the shown months would give that month away.
    """
    limit = settings.ABSENCE_MIN_GROUP_SIZE
    last = 23
    cells = set()
    codes = sorted(
        (people.codes() if isinstance(people, MonthPeople) else {key[2] for key in people}) - {ALL_TYPES}
    )
    for unit_id in unit_ids:
        if any((month, unit_id) in hidden_months for month in range(last - 11, last + 1)):
            cells.add(("type", unit_id, ALL_TYPES))
        if isinstance(people, MonthPeople):
            for code in codes:
                pair = people.latest_pair(unit_id, code)
                if pair is not None and max(pair) < limit:
                    cells.add(("type", unit_id, code))
            continue
        for code in codes:
            month = last
            while month >= 12:
                now, dropped = (
                    people.get((month, unit_id, code), 0),
                    people.get((month - 12, unit_id, code), 0),
                )
                if now or dropped:
                    if max(now, dropped) < limit:
                        cells.add(("type", unit_id, code))
                    break
                month -= 1
    return cells


def _hide_group(group: dict) -> None:
    group["suppressed"] = True
    for name in NUMBER_FIELDS:
        group[name] = None


def _small(people: int, employees: int, limit: int) -> bool:
    """Whether figures describing ``people`` (of a group of ``employees``) point at individuals: a
    figure about 1 to limit - 1 people does, and so does a 0 of a group that small ("none of these 3")."""
    return 0 < people < limit or (people == 0 and 0 < employees < limit)


def suppress_small_groups(
    result: dict, *, exempt_unit_ids: set[int] | None = None, also_hide: set[tuple] | None = None
) -> dict:
    """Hide every figure that describes fewer than ``settings.ABSENCE_MIN_GROUP_SIZE`` people, in place.

    A cell is a unit's figures of one absence type, its total (the types that count for the
    percentage) or one Bradford band. The figures of a type describe the people who had absence of
    that type in the window (``people``: distinct employees), whatever the type: "partial sick leave:
    1 spell, 35 days" in a unit of 29 is about one person, and is hidden. The total describes the
    people with absence of any counting type; a band describes the employees in it. A cell is hidden
    when it describes between 1 and limit - 1 people, and every figure of a unit with between 1 and
    limit - 1 employees is hidden (a 0 of so few says something about each of them too). The number of
    employees and FTE of a unit stay visible: they say nothing about anyone's absence. Units in
    ``exempt_unit_ids`` (those the viewer may see individual data of: HR, the unit's leaders) are left
    as they are.

    Hidden figures must not be recoverable by subtraction either (secondary suppression). The figures
    add up in four ways: a unit is its sub-units plus the employees placed directly in it, and so is
    each of its Bradford bands, each absence type and its total; a unit's bands add up to its
    employees; and its total is the sum of the types that count for the percentage (whose people may
    overlap: one person can have had both). In each such sum nothing hidden may be left alone (it could
    be worked out), and what the hidden parts describe together may not be a small group; where it
    would, the smallest visible part (else the sum itself) is hidden too, until nothing changes.
    tests/absence/test_suppression_audit.py attacks the result with every subtraction these sums allow.

    ``also_hide``: cells ("type", unit id, absence type or ALL_TYPES) hidden for a reason found
    elsewhere (``period_cells``: what the neighbouring periods would give away), with the same
    secondary suppression.
    """
    limit = result["min_group_size"]
    exempt = exempt_unit_ids or set()
    rows = result["units"]
    by_id = {row["unit_id"]: row for row in rows}
    counts = {row["unit_id"]: list(row["bradford"]["bands"]) for row in rows}
    children: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        if row.get("parent_id") in by_id:
            children[row["parent_id"]].append(row)

    # People per unit and absence type, and with any counting type (the total, ALL_TYPES).
    people = {
        row["unit_id"]: {
            **{t["absence_type"]: t["people"] or 0 for t in row["types"]},
            ALL_TYPES: row["total"]["people"] or 0,
        }
        for row in rows
    }
    counting = [t["absence_type"] for t in rows[0]["types"] if t.get("counts_for_percentage")] if rows else []

    # A cell is ("row", unit) - the unit as a whole, describing its employees -, ("band", unit, band)
    # or ("type", unit, code) - the figures of one type (or ALL_TYPES: the total), describing its people.
    # Its size: (people the cell describes, employees of the group it is about).
    size: dict[tuple, tuple[int, int]] = {}
    for row in rows:
        unit_id, employees = row["unit_id"], row["employees"]
        size["row", unit_id] = (employees, employees)
        for code, count in people[unit_id].items():
            size["type", unit_id, code] = (count, employees)
        for band, count in enumerate(counts[unit_id]):
            size["band", unit_id, band] = (count, count)

    # Sums: (unit whose sum it is, the total or None when always shown, the parts, the part not shown
    # anywhere - the directly placed employees - as (people, employees), or None when there is none,
    # whether the parts' people may overlap).
    Sum = tuple[int, tuple | None, list[tuple], tuple[int, int] | None, bool]
    sums: list[Sum] = []
    for row in rows:
        unit_id, kids = row["unit_id"], children.get(row["unit_id"], [])
        bands = [("band", unit_id, b) for b in range(len(counts[unit_id]))]
        sums.append((unit_id, None, bands, None, False))
        total: tuple | None = ("type", unit_id, ALL_TYPES)
        sums.append((unit_id, total, [("type", unit_id, code) for code in counting], None, True))
        if not kids:
            continue
        kid_ids = [k["unit_id"] for k in kids]
        direct = row["employees"] - sum(k["employees"] for k in kids)
        kid_people = [people[k] for k in kid_ids]
        for code, count in people[unit_id].items():
            rest = count - sum([own.get(code, 0) for own in kid_people])
            parts: list[tuple] = [("type", k, code) for k in kid_ids]
            sums.append((unit_id, ("type", unit_id, code), parts, (rest, direct) if direct else None, False))
        parts = [("row", k) for k in kid_ids]
        sums.append((unit_id, ("row", unit_id), parts, (direct, direct) if direct else None, False))
        kid_counts = [counts[k] for k in kid_ids]
        for band, count in enumerate(counts[unit_id]):
            rest = count - sum([own[band] for own in kid_counts])
            parts = [("band", k, band) for k in kid_ids]
            # With nobody placed directly in the unit, everyone knows that part is 0.
            sums.append((unit_id, ("band", unit_id, band), parts, (rest, rest) if direct else None, False))
    sums_of: dict[tuple, list[int]] = defaultdict(list)  # cell -> the sums it is in
    for index, (_unit_id, total, parts, _direct, _overlap) in enumerate(sums):
        for cell in [total, *parts] if total is not None else parts:
            sums_of[cell].append(index)

    hidden: set[tuple] = set()
    hidden_in = [0] * len(sums)  # per sum: how many of its cells (total and parts) are hidden
    # Sums to look at (again). Those of whole units first: hiding a sub-unit there protects all its
    # figures at once, where the sums of single types or bands would otherwise hide the totals first.
    row_sums = {i for i, (_u, total, *_rest) in enumerate(sums) if total is not None and total[0] == "row"}
    waiting = deque([i for i in range(len(sums)) if i not in row_sums] + sorted(row_sums))
    no_sums: list[int] = []

    def hide(cell: tuple) -> None:
        cells: list[tuple] | tuple[tuple] = (cell,)
        if cell[0] == "row":
            cells = [
                cell,
                *[("band", cell[1], band) for band in range(len(counts[cell[1]]))],
                *[("type", cell[1], code) for code in people[cell[1]]],
            ]
        for each in cells:
            if each in hidden:
                continue
            hidden.add(each)
            for i in sums_of.get(each, no_sums):
                hidden_in[i] += 1
                # Unit sums go last in the list, so they are taken first.
                if i in row_sums:
                    waiting.append(i)
                else:
                    waiting.appendleft(i)

    for row in rows:
        unit_id = row["unit_id"]
        if unit_id in exempt:
            continue
        if _small(row["employees"], row["employees"], limit):
            hide(("row", unit_id))
        for band, count in enumerate(counts[unit_id]):
            if _small(count, count, limit):
                hide(("band", unit_id, band))
        for code, count in people[unit_id].items():
            if _small(count, row["employees"], limit):
                hide(("type", unit_id, code))
    for cell in also_hide or ():
        if cell[1] in by_id and cell[1] not in exempt:
            hide(cell)

    def may_hide(cell: tuple) -> bool:
        return cell not in hidden and cell[1] not in exempt

    # A sum's decision depends only on which of its cells are hidden, and they only ever grow: a sum
    # waiting again with as many hidden as when it was last looked at would decide the same.
    looked_at = [-1] * len(sums)
    while waiting:
        index = waiting.pop()
        if looked_at[index] == hidden_in[index]:
            continue
        looked_at[index] = hidden_in[index]
        unit_id, total, parts, direct, overlap = sums[index]
        if not hidden_in[index] and direct is None:
            continue  # nothing unknown
        if unit_id in exempt:
            continue  # the viewer may see everything below it anyway
        hidden_parts = [part for part in parts if part in hidden]
        unknown = (total in hidden) + len(hidden_parts) + (direct is not None)
        if unknown == 1:
            # The one unknown can be worked out: harmless only for the unshown part, if not small.
            need = direct is None or _small(*direct, limit)
        elif total not in hidden:
            sizes = [size[part] for part in hidden_parts] + ([direct] if direct else [])
            if overlap:  # the types of one unit: together at least as many people as the largest
                need = _small(max([p for p, _e in sizes]), by_id[unit_id]["employees"], limit)
            else:  # different people: they add up
                together_people = together_employees = 0
                for p, e in sizes:
                    together_people += p
                    together_employees += e
                need = _small(together_people, together_employees, limit)
        else:
            need = False
        if not need:
            continue
        open_parts = [part for part in parts if part not in hidden and part[1] not in exempt]
        # A part that describes someone: hiding an empty one protects nothing once it is known empty.
        nonzero = [part for part in open_parts if size[part][0] > 0]
        if nonzero:
            hide(min(nonzero, key=lambda part: (size[part], part)))
        elif total is not None and may_hide(total):
            hide(total)
        elif open_parts:
            hide(min(open_parts))

    for row in rows:
        unit_id = row["unit_id"]
        if ("row", unit_id) in hidden:  # its types and bands are hidden with it (``hide``)
            row["suppressed"] = True
        if ("type", unit_id, ALL_TYPES) in hidden:
            _hide_group(row["total"])
        for group in row["types"]:
            if ("type", unit_id, group["absence_type"]) in hidden:
                _hide_group(group)
        bands = counts[unit_id]
        shown = [("band", unit_id, band) not in hidden for band in range(len(bands))]
        row["bradford"]["suppressed"] = not all(shown)
        row["bradford"]["bands"] = [count if ok else None for ok, count in zip(shown, bands, strict=True)]
    return result


def months_to_hide(
    units: list[OrgUnit],
    periods: list[Period],
    employees: dict[tuple[int, int], int],
    people: dict[tuple[int, int, str], int] | MonthPeople,
    exempt: set[int],
) -> set[tuple[int, int]]:
    """(period index, unit id) of the month points to hide: month by month the rule of
    ``suppress_small_groups`` over the whole unit tree, a month's figures describing the people with
    absence of a counting type in it (``people`` of ALL_TYPES; its employees when none had any).
    ``_hidden_totals`` takes the same decisions as ``suppress_small_groups`` would for each month."""
    tree = _Tree(units)
    limit = settings.ABSENCE_MIN_GROUP_SIZE
    hidden = set()
    for p in periods:
        month_employees = [employees.get((p.index, pk), 0) for pk in tree.pks]
        month_people = [people.get((p.index, pk, ALL_TYPES), 0) for pk in tree.pks]
        for position in _hidden_totals(tree, month_employees, month_people, exempt, limit):
            hidden.add((p.index, tree.pks[position]))
    return hidden


class _Tree:
    """Units (ordered by path) as positions: each one's id, parent position and child positions."""

    def __init__(self, units: list[OrgUnit]) -> None:
        steplen = OrgUnit.steplen
        position_of = {u.path: i for i, u in enumerate(units)}
        self.pks = [u.id for u in units]
        self.parent: list[int | None] = [position_of.get(u.path[:-steplen]) for u in units]
        self.kids: list[list[int]] = [[] for _ in units]
        for i, parent in enumerate(self.parent):
            if parent is not None:
                self.kids[parent].append(i)


def _hidden_totals(
    tree: _Tree, employees: list[int], people: list[int], exempt: set[int], limit: int
) -> set[int]:
    """The positions whose total ``suppress_small_groups`` hides in rows that hold only a total
    (no types, no Bradford bands): the same cells, sums, queue and choices, over positions.

    Its cells are then a unit as a whole (R) and its total (T); hiding R hides T. The sums that can
    change anything are, for each unit with sub-units, its T over theirs and its R over theirs, each
    with the directly placed employees as the part not shown (the others have no parts). Sum ``2 j``
    is the j-th such unit's T sum, ``2 j + 1`` its R sum; a cell is the total of its unit's sum and a
    part of its parent's. A cell is a position times two, plus one for R.
    """
    pks, parent, kids = tree.pks, tree.parent, tree.kids
    owner: list[int] = []  # sum j // 2 -> its unit's position
    direct: list[tuple[int, int] | None] = []  # per sum: the part not shown (people, employees)
    sum_of = [-1] * len(pks)  # position -> its T sum (its R sum is the next), -1: no sub-units
    for u, children in enumerate(kids):
        if not children:
            continue
        sum_of[u] = len(direct)
        owner.append(u)
        placed = employees[u] - sum(employees[k] for k in children)
        rest = people[u] - sum(people[k] for k in children)
        direct.append((rest, placed) if placed else None)
        direct.append((placed, placed) if placed else None)

    def sums_of(cell: int) -> list[int]:
        """The sums a cell is in, in the order of the general function's list."""
        u, kind = cell >> 1, cell & 1
        found = []
        up = parent[u]
        if up is not None:
            found.append(sum_of[up] + kind)
        if sum_of[u] >= 0:
            found.append(sum_of[u] + kind)
        return found

    def size(cell: int) -> tuple[int, int]:
        u = cell >> 1
        return (employees[u] if cell & 1 else people[u]), employees[u]

    def key(cell: int) -> tuple:
        """The general function's tie-break: the cell tuple, ("row", id) or ("type", id, ALL_TYPES)."""
        return size(cell), pks[cell >> 1]

    hidden: set[int] = set()
    hidden_in = [0] * len(direct)
    # T sums in order, then R sums (the whole units') in order: these are taken first, from the right.
    waiting = deque([*range(0, len(direct), 2), *range(1, len(direct), 2)])

    def hide(cell: int) -> None:
        cells = [cell, cell - 1] if cell & 1 else [cell]
        for each in cells:
            if each not in hidden:
                hidden.add(each)
                later = sums_of(each)
                for i in later:
                    hidden_in[i] += 1
                waiting.extendleft(i for i in later if not i & 1)
                waiting.extend(i for i in later if i & 1)

    for u in range(len(pks)):
        if pks[u] in exempt:
            continue
        if _small(employees[u], employees[u], limit):
            hide(2 * u + 1)
        if _small(people[u], employees[u], limit):
            hide(2 * u)

    while waiting:
        index = waiting.pop()
        u, kind = owner[index >> 1], index & 1
        part_of_sum = direct[index]
        if not hidden_in[index] and part_of_sum is None:
            continue
        if pks[u] in exempt:
            continue
        total = 2 * u + kind
        parts = [2 * k + kind for k in kids[u]]
        hidden_parts = [part for part in parts if part in hidden]
        unknown = (total in hidden) + len(hidden_parts) + (part_of_sum is not None)
        if unknown == 1:
            need = part_of_sum is None or _small(part_of_sum[0], part_of_sum[1], limit)
        elif total not in hidden:
            sizes = [size(part) for part in hidden_parts] + ([part_of_sum] if part_of_sum else [])
            need = _small(sum(p for p, _e in sizes), sum(e for _p, e in sizes), limit)
        else:
            need = False
        if not need:
            continue
        open_parts = [part for part in parts if part not in hidden and pks[part >> 1] not in exempt]
        nonzero = [part for part in open_parts if size(part)[0] > 0]
        if nonzero:
            hide(min(nonzero, key=key))
        elif total not in hidden:
            hide(total)
        elif open_parts:
            hide(min(open_parts, key=lambda part: pks[part >> 1]))
    return {cell >> 1 for cell in hidden if not cell & 1}
