"""Imports of payroll exports: units, employees and absence registrations (CSV or XLSX).

Every import runs in two steps: ``parsing.parse_import`` reads and validates the whole file and returns
an ``ImportPlan`` (the cleaned rows plus every bad row with its line number and reason);
``applying.apply_import`` writes a plan that has no errors, inside one transaction. A file with any bad
row imports nothing. Rows are matched to what already exists (a unit by code, an employee by employee
number, a registration by employee + type + start date), so importing the same file again changes
nothing.

Lookups are done once per file (one query per table), never per row, so a payroll export of tens of
thousands of rows validates in seconds.

- ``files``: the columns of each kind of file, the header names accepted, reading CSV and XLSX row by row;
- ``plan``: what checking a file gives (``ImportPlan``, with absence rows in a compact ``AbsenceTable``);
- ``parsing``: reading and validating a file into a plan (``parse_import``);
- ``matching``: absence rows matched to the registrations they update, duplicates and overlaps refused;
- ``applying``: writing a valid plan (``apply_import``, and ``import_file`` for both steps at once);
- ``jobs``: web imports, checked and applied by the worker; ``command``: the import commands' body.
"""
