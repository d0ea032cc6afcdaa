"""The 2019 ACI barème (domain.md §6, guide Annexe 1): annual amounts at 100 % attainment.

Installed by the data migration and restored by the demo seed; later barèmes are entered by
an administrator from the official text (admin), never added here as constants.
"""

import datetime as dt

NAME = "ACI-2019"
# Signature of the Accord conventionnel interprofessionnel en faveur des CPTS.
EFFECTIVE_DATE = dt.date(2019, 6, 20)
SOURCE = "ACI du 20 juin 2019 (arrêté du 21 août 2019), Annexe 1 du guide URPS ML Occitanie"

# component, mission, amounts for tiers 1 to 4
LINES = [
    ("FUNCTIONING", "", (50_000, 60_000, 75_000, 90_000)),
    ("FIXED", "acces_soins", (15_000, 17_500, 25_000, 30_000)),
    ("VARIABLE", "acces_soins", (15_000, 17_500, 25_000, 30_000)),
    ("SNP_COMPENSATION", "acces_soins", (10_000, 12_000, 15_000, 20_000)),
    ("SNP_ORIENTATION", "acces_soins", (35_000, 45_000, 55_000, 70_000)),
    ("FIXED", "parcours", (25_000, 35_000, 45_000, 50_000)),
    ("VARIABLE", "parcours", (25_000, 35_000, 45_000, 50_000)),
    ("FIXED", "prevention", (10_000, 15_000, 17_500, 20_000)),
    ("VARIABLE", "prevention", (10_000, 15_000, 17_500, 20_000)),
    ("FIXED", "qualite", (7_500, 10_000, 15_000, 20_000)),
    ("VARIABLE", "qualite", (7_500, 10_000, 15_000, 20_000)),
    ("FIXED", "accompagnement", (5_000, 7_500, 10_000, 15_000)),
    ("VARIABLE", "accompagnement", (5_000, 7_500, 10_000, 15_000)),
]


def install(bareme_model, line_model) -> None:
    """Create or restore the barème (works with the historical models of a migration)."""
    bareme, _ = bareme_model.objects.update_or_create(
        name=NAME, defaults={"effective_date": EFFECTIVE_DATE, "source": SOURCE}
    )
    for component, mission, amounts in LINES:
        line_model.objects.update_or_create(
            bareme=bareme,
            component=component,
            mission=mission,
            defaults={f"amount_tier{tier}": amount for tier, amount in enumerate(amounts, 1)},
        )
