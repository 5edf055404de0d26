"""Shared pieces for the demo data: a seeded random generator, generated names, the context."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from io import TextIOBase
from typing import TextIO

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - printed to the console on purpose, demo only

# Generic given and family names; none is taken from the seed documents.
FIRST_NAMES_DA = [
    "Anna",
    "Mathias",
    "Sofie",
    "Mikkel",
    "Ida",
    "Oliver",
    "Freja",
    "Jonas",
    "Emma",
    "Frederik",
    "Laura",
    "Christian",
    "Julie",
    "Nikolaj",
    "Clara",
    "Simon",
    "Maja",
    "Andreas",
    "Cecilie",
    "Kasper",
    "Signe",
    "Troels",
    "Ane",
    "Bjarke",
    "Line",
    "Esben",
    "Nanna",
    "Jeppe",
    "Alma",
    "Villads",
]
LAST_NAMES_DA = [
    "Holm",
    "Kjær",
    "Lund",
    "Dam",
    "Bach",
    "Krogh",
    "Vestergaard",
    "Bang",
    "Skov",
    "Winther",
    "Lykke",
    "Thygesen",
    "Brandt",
    "Frost",
    "Koch",
    "Falk",
    "Juul",
    "Riis",
    "Bundgaard",
    "Toft",
    "Mølgaard",
    "Ravn",
    "Nørgaard",
    "Svendsen",
    "Dalsgaard",
]
FIRST_NAMES_NO = [
    "Ingrid",
    "Henrik",
    "Silje",
    "Eirik",
    "Marte",
    "Sindre",
    "Kari",
    "Øystein",
    "Ragnhild",
    "Torbjørn",
    "Hedda",
    "Vegard",
    "Synnøve",
    "Håkon",
    "Live",
]
LAST_NAMES_NO = [
    "Haugen",
    "Bakke",
    "Solberg",
    "Strand",
    "Lie",
    "Moen",
    "Dahl",
    "Berg",
    "Aasen",
    "Tveit",
    "Nygård",
    "Myhre",
    "Fjeld",
    "Brekke",
]


@dataclass
class DemoContext:
    rng: random.Random
    today: date
    employees: int
    years: int
    out: TextIO | TextIOBase  # a command's stdout (OutputWrapper) or a stream
    organizations: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)
    # The generated municipalities beside Norddjurs, (slug, name, employees) each (--municipalities).
    other_municipalities: list[tuple[str, str, int]] = field(default_factory=list)

    def name(self, norwegian: bool = False) -> tuple[str, str]:
        first = FIRST_NAMES_NO if norwegian else FIRST_NAMES_DA
        last = LAST_NAMES_NO if norwegian else LAST_NAMES_DA
        return self.rng.choice(first), self.rng.choice(last)
