"""CSV files of members as coordinators export them from their spreadsheets."""

FIRST_NAMES = ["Agathe", "Baptiste", "Chloé", "David", "Estelle", "Florian", "Gaëlle", "Hugo"]
LAST_NAMES = [
    "Alméras", "Bonnafous", "Carrière", "Domergue", "Estève", "Falguière", "Gaussen",
    "Hérail", "Issert", "Jourdan", "Lafont", "Mazel", "Nougaret", "Olivier", "Pradal",
    "Quet", "Rieu", "Sabatier", "Trinquier", "Valette", "Boissière", "Cazalis", "Durand",
    "Fabrègue", "Granier", "Jalabert", "Laurens", "Moulin", "Pascal", "Rouvière",
]  # fmt: skip
PROFESSIONS = [
    "médecin généraliste", "infirmière", "Pharmacien", "masseur-kinésithérapeute",
    "sage-femme", "chirurgien-dentiste", "orthophoniste", "Médecin spécialiste",
]  # fmt: skip
COMMUNES = ["34276", "Saint-Gély-du-Fesc", "34274", "Les Matelles", "34309", ""]
HEADER = "nom;prénom;profession;RPPS;commune;e-mail;téléphone;qualité;date d'adhésion;cotisation"


def members_csv(count=30, *, delimiter=";", rows_after=()) -> str:
    lines = [HEADER.replace(";", delimiter)]
    for index in range(count):
        cells = [
            LAST_NAMES[index % len(LAST_NAMES)],
            FIRST_NAMES[index % len(FIRST_NAMES)],
            PROFESSIONS[index % len(PROFESSIONS)],
            f"2{index:010d}",
            COMMUNES[index % len(COMMUNES)],
            f"membre{index}@exemple-sante.fr",
            f"04 67 00 00 {index:02d}",
            "actif",
            f"{(index % 28) + 1:02d}/01/2026",
            "à jour",
        ]
        lines.append(delimiter.join(cells))
    lines.extend(rows_after)
    return "\n".join(lines) + "\n"


def csv_with_errors() -> str:
    """A valid file but for three rows (lines 5, 12 and 31 of the file)."""
    lines = members_csv(30).splitlines()
    for line, column, value in ((5, 2, "plombier"), (12, 3, "123"), (31, 8, "31/02/2026")):
        cells = lines[line - 1].split(";")
        cells[column] = value
        lines[line - 1] = ";".join(cells)
    return "\n".join(lines) + "\n"
