"""Absence statistics per unit (its whole subtree) and absence type over a rolling 12 months.

Definitions (DOMAIN.md 1.8, Statistics Denmark):

- working day: Monday to Friday minus Danish public holidays and the organisation's extra days off
  (the same ``WorkCalendar`` as the advisories);
- possible hours of an employee: working days of the employment inside the window × weekly hours / 5;
- absence hours of a registration: its working days inside both the window and the employment
  × weekly hours / 5 × fraction (a part-time employee counts by their hours, a 0.5 registration half);
- absence percentage: absence hours / possible hours × 100;
- FTE ("årsværk"): possible hours / (7.4 × working days of the window) — a full-time employee employed
  the whole window is 1, someone on 18.5 hours half the window 0.25;
- days per FTE: absence days in full-time days ("dagsværk" of 7.4 hours) / FTE;
- calendar days: calendar days of absence inside the window and the employment;
- spells (per type): registrations of the type inside the window, where one that starts the day after
  the previous one of the same type and employee ends continues it;
- people (per type, and of the counting types together): distinct employees with absence of it inside
  the window and the employment. Internal: what a figure describes, for suppression (a figure about
  fewer than ``settings.ABSENCE_MIN_GROUP_SIZE`` people is hidden from those who may not see
  individual data, see ``suppress_small_groups``), never published.

Method: everything is computed in the database in three aggregate queries (population, absence,
Bradford), whatever the number of employees, registrations or units. Outside any other transaction
on PostgreSQL the year, Bradford and the months around the year (suppression) are read at the same
time, each on a connection of its own that imports the reporting transaction's snapshot
(``queries.in_parallel``): the same rows as one after another, in about the time of the longest.
Absence is read from the monthly rollups (``AbsenceMonth``, kept by ``rollups.py`` on every write): per
employee, type, fraction and month the days as bits, so a window's days, working days (the policy's
calendar as bits too), spells and distinct people come from a few bit operations per row, for whole
months and cut ones alike; ongoing registrations (no last day yet) are read from the rows. Whole
calendar months without spells (the 24 months that decide suppression, the chart months) are read from
the units' monthly rollups (``AbsenceUnitMonth``, kept by ``unit_rollups.py`` from the employees'
rollups): per unit, type and month the people, spells, days and working hours, and under type ``*`` the
people with any of the types the policy counts; they are read only while their stamp
(``StatisticsVersion.unit_rollups``) matches the policy's counting types and calendar, else the
employees' rollups are. On PostgreSQL the 24 months' people come from the units' years
(``AbsenceUnitYear``: per unit, type and year the twelve months' people, kept with the units' monthly
rollups), each month's column shifted to its place in the packed integers. The rolling year reads its
whole months from the units' rollups too, only its cut months (at most the first and the last) from the
employees'; its distinct people (a person absent in two months is one person) from the employees' years
(``AbsencePersonYear``: per employee, type and year the months with absence of that year and the year
before as bits, kept with the units' rollups), one row per person for any window inside two calendar
years. ``reading_employee_months()`` and ``reading_raw_rows()`` compute the same figures from the
employees' rollups and from the registrations, the references the tests compare with. Population is
read from the employees; Bradford from the employees' rollups (on PostgreSQL the window's days as one
bit string per employee, whose runs are the spells), or from the registrations where spells join across
days off. Dates become day numbers; the working days between two day numbers are two subscripts into a
constant array of cumulative working days of the period (PostgreSQL), or closed-form weekday arithmetic
minus a CASE over the few weekday holidays (SQLite). Spells per type count the registrations that do
not continue one of the type ending the day before, Bradford spells joined across days off come from
the previous registration (LAG). The queries group by (period, employee's unit, type); rolling the
figures up to every ancestor unit (by materialised path) happens in Python over those few rows (the 24
months' people packed into one integer per unit and type, ``suppression.MonthPeople``). Suppressed
figures cost two more: the 24 months before ``as_of`` per unit and type, whose people decide what
neighbouring periods and the chart would give away.

The modules, from the bottom up:

- ``periods``: the rolling year, calendar months, the Bradford window, days as day numbers;
- ``cache``: each organisation's statistics version (``bump_statistics_version``) and the cache under it;
- ``workdays``: working days between two day numbers as SQL;
- ``queries``: the population, absence and Bradford rows, and the reporting transaction they run in;
- ``sums``: the rows rolled up to every unit, and the published figures made from them;
- ``suppression``: what is hidden from those who may not see individual data;
- ``frozen``: the sums the retention job freezes before it deletes rows, and reading them back;
- ``figures``: ``unit_statistics``, ``monthly_series`` and ``page_figures``, what the pages call;
- ``country``: every organisation's figures and the country's, read for all of them at once (the
  operator's ``absence_stats --country``);
- ``export``: the rows of the CSV export.
"""
