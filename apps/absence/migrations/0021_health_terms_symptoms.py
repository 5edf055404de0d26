"""More health terms for notes (``apps.absence.health``): symptoms, pain, treatment and hospital stays.

The seed list of migration 0007 named diagnoses, so a note such as "Har ondt i ryggen efter operation på
hospitalet" (back pain after an operation in hospital) went through and its leader saw it: health
information all the same (GDPR article 9). Added in Danish, Norwegian bokmål and English: pain ("ondt i",
"smerter"), common symptoms (headache, nausea, fever, a cold, stomach flu), fractures, operations, hospital
stays, physiotherapy and medication. Left out on purpose, as words the follow-up itself needs: "læge" /
"lege" (lægeerklæring, a doctor's certificate the employer may ask for), "behandling" (sagsbehandling,
case handling), "psykolog" (a psychologist through the workplace's health scheme is an adjustment),
"genoptræning" (an agreed reason for adjusted hours), "skade" (arbejdsskade, an absence type) and
"brudd" (Norwegian for a breach). "operation" is a whole word only, so "operationel" and "operations"
pass; as every term is checked in every language, an English note using the word in its business sense
is refused too, with the explanation of what to write instead. HR and admins edit the list in the Django
admin like the rest.
"""

from django.db import migrations

WORD, WORD_START = "word", "word_start"

SYMPTOM_TERMS = {
    "da": {
        WORD_START: [
            "smerte", "hovedpine", "kvalme", "feber", "forkølelse", "forkølet", "omgangssyge", "mavesyge",
            "sygehus", "hospital", "knoglebrud", "fraktur", "brækkede", "forstuvning", "forstuvet",
            "opereret", "fysioterap", "medicin",
        ],
        WORD: ["ondt i", "brækket", "operation", "operationen", "operere", "opereres", "indlagt",
               "indlæggelse", "indlæggelsen"],
    },
    "nb": {
        WORD_START: [
            "smerte", "hodepine", "kvalme", "feber", "forkjøl", "omgangssyke", "sykehus", "hospital",
            "beinbrudd", "benbrudd", "fraktur", "operert", "fysioterap", "medisin",
        ],
        WORD: ["vondt i", "brukket", "brakk", "operasjon", "operasjonen", "innlagt", "innleggelse",
               "innleggelsen"],
    },
    "en": {
        WORD_START: ["headache", "nausea", "fever", "fractur", "hospital", "surgery", "surgical",
                     "physiotherap", "painkiller", "medication"],
        WORD: ["pain", "pains", "painful", "operated on", "broken leg", "broken arm", "broken wrist"],
    },
}


def seed_symptom_terms(apps, schema_editor):
    HealthTerm = apps.get_model("absence", "HealthTerm")
    HealthTerm.objects.bulk_create(
        [
            HealthTerm(term=term, language=language, kind=kind)
            for language, kinds in SYMPTOM_TERMS.items()
            for kind, terms in kinds.items()
            for term in terms
        ],
        ignore_conflicts=True,
    )


def remove_symptom_terms(apps, schema_editor):
    HealthTerm = apps.get_model("absence", "HealthTerm")
    for language, kinds in SYMPTOM_TERMS.items():
        for kind, terms in kinds.items():
            HealthTerm.objects.filter(language=language, kind=kind, term__in=terms).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("absence", "0020_ongoing_covering"),
    ]

    operations = [
        migrations.RunPython(seed_symptom_terms, remove_symptom_terms, elidable=True),
    ]
