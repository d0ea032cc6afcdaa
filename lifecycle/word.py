"""The projet de santé and a single fiche-action as Word files (DOCX), for the partners who
comment in Word (issue 18). They print the data the PDF prints (document_data), in French
formats; the parts, missions and fiches are real Word headings ("Titre 1/2/3"), so that the
table of contents field at the top, updated by Word or LibreOffice, lists them."""

import io
from itertools import groupby

from django.utils.text import Truncator
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from cpts_portal.lib.numbers import euros, format_number
from cpts_portal.templatetags.portal import _line_kind, _numbered, french_date, quantity

from . import document_data

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DASH = "—"


def _field_char(paragraph, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(element)


def _date(value) -> str:
    return french_date(value) if value else DASH


def _join(*parts, sep=", ") -> str:
    return sep.join(p for p in parts if p)


def _dates(start, end) -> str:
    """'01/03/2027 – 30/06/2027', or the one date given."""
    return _join(_date(start) if start else "", _date(end) if end else "", sep=" – ")


class Writer:
    """A DOCX being written: headings, rich text, tables."""

    def __init__(self):
        self.doc = Document()
        self._toc_end = None  # the paragraph closing the table of contents field, if any
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "fr-FR")
        normal.element.get_or_add_rPr().append(language)
        for section in self.doc.sections:
            section.left_margin = section.right_margin = Cm(2)
        # Word refreshes the table of contents when it opens the file (it asks first).
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        self.doc.settings.element.append(update)

    def heading(self, text: str, level: int):
        return self.doc.add_heading(text, level=level)

    def paragraph(self, text: str = "", *, muted: bool = False, bold: bool = False):
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = muted
        return paragraph

    def rich_text(self, value: str, empty: str = DASH):
        """The portal's plain-text rules (portal.rich_text): blank lines separate paragraphs,
        '- ' or '* ' lines make a bulleted list, '1. ' lines a numbered one."""
        if not (value or "").strip():
            self.paragraph(empty, muted=empty != DASH)
            return
        for block in str(value).replace("\r\n", "\n").split("\n\n"):
            lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
            for kind, run in groupby(lines, key=_line_kind):
                run = list(run)
                if kind == "ul":
                    for line in run:
                        self.doc.add_paragraph(line[2:].strip(), style="List Bullet")
                elif kind == "ol":
                    for line in run:
                        self.doc.add_paragraph(_numbered(line), style="List Number")
                else:
                    paragraph = self.doc.add_paragraph()
                    for i, line in enumerate(run):
                        if i:
                            paragraph.add_run().add_break()
                        paragraph.add_run(line)

    def table(self, header: list[str], rows: list[list[str]], *, numeric=(), caption=""):
        """A table with a header row (repeated on each page); `numeric` columns align right."""
        if caption:
            self.paragraph(caption, bold=True)
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
        for row in rows:
            cells = table.add_row().cells
            if len(row) == 1:  # a sub-heading row across the table
                merged = cells[0].merge(cells[-1])
                merged.paragraphs[0].add_run(row[0]).bold = True
                continue
            for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
                cell.text = str(text)
                if i in numeric:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self.doc.add_paragraph()
        return table

    def key_values(self, rows: list[tuple[str, str]]):
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for key, value in rows:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(key).bold = True
            cells[1].text = value or DASH
        self.doc.add_paragraph()
        return table

    def table_of_contents(self):
        """A TOC field over the heading levels 1 to 3. Until the reader updates it (with the
        page numbers), it shows the headings themselves (filled by `content`)."""
        self.heading("Sommaire", 1)
        paragraph = self.doc.add_paragraph()
        _field_char(paragraph, "begin")
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = 'TOC \\o "1-3" \\h \\z \\u'
        paragraph.add_run()._r.append(instruction)
        _field_char(paragraph, "separate")
        paragraph.add_run(
            "Numéros de page : dans Word, clic droit puis « Mettre à jour les champs » "
            "(LibreOffice : Outils › Mettre à jour › Tout mettre à jour)."
        ).italic = True
        self._toc_end = self.doc.add_paragraph()
        _field_char(self._toc_end, "end")
        self.doc.add_page_break()

    def _fill_table_of_contents(self):
        levels = {"Heading 1": 0, "Heading 2": 1, "Heading 3": 2}
        for paragraph in self.doc.paragraphs:
            level = levels.get(paragraph.style.name)
            if level is None or paragraph.text == "Sommaire":
                continue
            entry = self._toc_end.insert_paragraph_before(paragraph.text)
            entry.paragraph_format.left_indent = Cm(0.6 * level)
            entry.paragraph_format.space_after = Pt(0)
            entry.runs[0].bold = level == 0

    def content(self) -> bytes:
        if self._toc_end is not None:
            self._fill_table_of_contents()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# -- A fiche-action (Annexe 7), in the projet de santé and alone -------------------------


def _pilot(fiche) -> str:
    lines = []
    if fiche.pilot:
        user = fiche.pilot
        lines.append(_join(user.get_full_name(), getattr(user, "profession", "")))
        contact = _join(user.email, getattr(user, "phone", ""))
        if contact:
            lines.append(f"Contact : {contact}")
    if fiche.pilot_name:
        lines.append(_join(fiche.pilot_name, fiche.pilot_profession))
        if fiche.pilot_contact:
            lines.append(f"Contact : {fiche.pilot_contact}")
    return "\n".join(lines) if fiche.has_pilot else "à désigner"


def _members(fiche) -> str:
    lines = []
    for member in fiche.members.all():
        if member.user:
            user = member.user
            profession = getattr(user, "profession", "")
            name = user.get_full_name() + (f" ({profession})" if profession else "")
            contact = _join(user.email, getattr(user, "phone", ""))
        else:
            name = member.name + (f" ({member.profession})" if member.profession else "")
            contact = member.contact
        lines.append(name + (f" — {contact}" if contact else ""))
    return "\n".join(lines) or DASH


def _planning(fiche) -> str:
    parts = []
    if fiche.start_date:
        parts.append(f"démarrage le {_date(fiche.start_date)}")
    if fiche.end_date:
        parts.append(f"échéance le {_date(fiche.end_date)}")
    return ", ".join(parts) or DASH


def _measure(value, unit: str) -> str:
    text = quantity(value) if value is not None else ""
    return _join(text, unit, sep=" ") if text else DASH


def write_fiche(w: Writer, fiche, level: int) -> None:
    """Fiche `fiche` under a heading of `level`, its parts one level below."""
    w.heading(f"Fiche-action {fiche.number} : {fiche.title}", level)
    w.key_values(
        [
            ("Mission concernée", f"{fiche.mission.code} — {fiche.mission.name}"),
            ("Pilote", _pilot(fiche)),
            ("Groupe de travail", _members(fiche)),
            ("Planning", _planning(fiche)),
            ("Budget estimé", euros(fiche.budget) if fiche.budget is not None else DASH),
        ]
    )
    sub = level + 1
    w.heading("Problématiques constatées", sub)
    needs = list(fiche.needs.all())
    if needs:
        w.paragraph(
            "Besoins du diagnostic : "
            + " ; ".join(f"{need.code} — {need.label}" for need in needs)
            + "."
        )
    w.rich_text(fiche.problems)
    w.heading("Objectif(s) opérationnel(s)", sub)
    w.rich_text(fiche.objectives)
    w.heading("Public cible", sub)
    w.rich_text(fiche.target_public)
    if fiche.milestones:
        w.heading("Étapes", sub)
        w.rich_text(fiche.milestones)
    w.heading("Actions", sub)
    actions = list(fiche.sub_actions.all())
    if actions:
        w.table(
            ["Quoi", "Qui", "Début", "Fin", "État"],
            [
                [a.what, a.who, _date(a.start_date), _date(a.end_date), a.get_status_display()]
                for a in actions
            ],
        )
    else:
        w.paragraph(DASH)
    w.heading("Indicateurs", sub)
    indicators = list(fiche.indicators.all())
    if indicators:
        w.table(
            ["Indicateur", "Type", "Valeur initiale", "Cible", "Source", "Fréquence"],
            [
                [
                    i.name + (" (rémunération variable)" if i.drives_funding else ""),
                    i.get_kind_display(),
                    _measure(i.baseline, i.unit),
                    _measure(i.target, i.unit),
                    i.source,
                    i.frequency,
                ]
                for i in indicators
            ],
            numeric=(2, 3),
        )
    else:
        w.paragraph(DASH)
    w.heading("Moyens nécessaires", sub)
    for label, value in (
        ("Logistiques", fiche.means_logistic),
        ("Numériques", fiche.means_digital),
        ("Humains", fiche.means_human),
    ):
        w.paragraph(label, bold=True)
        w.rich_text(value)
    w.heading("Ressources déjà disponibles", sub)
    w.rich_text(fiche.resources_available)
    w.heading("Freins et leviers", sub)
    w.paragraph("Freins", bold=True)
    w.rich_text(fiche.obstacles)
    w.paragraph("Leviers", bold=True)
    w.rich_text(fiche.levers)


def fiche_docx(project, number: int) -> bytes:
    """Fiche-action `number` of `project` alone, as the projet de santé prints it."""
    missions = document_data.missions_part(project, number=number)["missions"]
    fiche = next(f for m in missions for f in m["fiches"] if f.number == number)
    w = Writer()
    w.paragraph(f"{project.name} — fiche-action", muted=True)
    write_fiche(w, fiche, level=1)
    w.paragraph(f"Version du {_date(fiche.updated_at.date())}", muted=True)
    return w.content()


# -- The projet de santé ------------------------------------------------------------------


def projet_de_sante_docx(project) -> bytes:
    data = document_data.projet_de_sante(project)
    w = Writer()
    w.doc.add_heading(project.name, level=0)
    w.paragraph("Projet de santé", bold=True)
    w.paragraph(project.organisation.name)
    territory = data["territory"]
    w.paragraph(
        f"Territoire : {format_number(territory.commune_count)} communes, "
        f"{format_number(territory.population)} habitants"
        + (
            f" ({', '.join(d.name for d in territory.departements)})"
            if territory.departements
            else ""
        )
    )
    w.paragraph(f"Version du {_date(data['version_date'])}")
    w.doc.add_page_break()
    w.table_of_contents()
    _part1(w, data)
    _part2(w, data)
    _part3(w, data)
    _annexes(w, data)
    return w.content()


def _part1(w: Writer, data: dict) -> None:
    territory = data["territory"]
    w.heading("1. Diagnostic territorial", 1)
    w.heading("Le territoire", 2)
    w.paragraph(
        f"{format_number(territory.commune_count)} communes, "
        f"{format_number(territory.population)} habitants (population municipale), "
        f"taille {territory.tier} au sens de l'ACI."
    )
    w.table(
        ["Département", "EPCI", "Communes", "Habitants"],
        [
            [
                f"{d.name} ({d.code})",
                e.name,
                format_number(e.commune_count),
                format_number(e.population),
            ]
            for d in territory.departements
            for e in d.epcis
        ],
        numeric=(2, 3),
    )
    w.paragraph("La liste des communes figure en annexe 1.", muted=True)
    for section in data["sections"]:
        w.heading(section["label"], 2)
        w.rich_text(section["text"], empty="Section non rédigée.")
        if section["indicators"]:
            w.table(
                ["Indicateur", "Territoire", "Comparaison", "Année", "Source"],
                [
                    [
                        i.label + (f" ({i.area})" if i.area else ""),
                        i.display_value,
                        f"{i.display_comparison} ({i.comparison_label})"
                        if i.comparison_value is not None
                        else "",
                        str(i.year or ""),
                        i.source,
                    ]
                    for i in section["indicators"]
                ],
                numeric=(1, 2),
            )
        if section["key"] == "besoins" and data["needs"]:
            w.table(
                ["Code", "Besoin", "Priorité", "Source"],
                [[n.code, n.label, n.get_priority_display(), n.source] for n in data["needs"]],
            )


def _part2(w: Writer, data: dict) -> None:
    count = data["fiche_count"]
    plural = "s" if count > 1 else ""
    w.heading("2. Les missions", 1)
    w.paragraph(
        f"{count} fiche{plural}-action{plural} décline{'nt' if count > 1 else ''} les missions "
        "de la CPTS, chacune sur le modèle de l'annexe 7 du guide."
    )
    for mission in data["missions"]:
        w.heading(f"Mission {mission['code']} — {mission['name']}", 2)
        w.paragraph(
            f"Mission {mission['kind']}."
            + ("" if mission["fiches"] else " Aucune fiche-action pour l'instant."),
            muted=True,
        )
        for fiche in mission["fiches"]:
            write_fiche(w, fiche, level=3)


def _part3(w: Writer, data: dict) -> None:
    w.heading("3. Organisation et fonctionnement", 1)
    _association(w, data)
    w.heading("La gouvernance", 2)
    for instance in data["instances"]:
        w.heading(instance.name, 3)
        if instance.role:
            w.rich_text(instance.role)
        if instance.current_mandates:
            w.table(
                ["Fonction", "Membre", "Profession ou structure", "Depuis le"],
                [
                    [
                        m.get_office_display(),
                        m.member.display_name,
                        m.member.description,
                        _date(m.start_date),
                    ]
                    for m in instance.current_mandates
                ],
            )
    if not data["instances"]:
        w.paragraph("Les instances ne sont pas encore renseignées.", muted=True)
    sections = data["project_sections"]
    w.heading("L'organisation de la coordination", 2)
    w.rich_text(
        sections["coordination"]["text"],
        empty="L'organisation de la coordination n'est pas encore décrite.",
    )
    w.heading("Un pilote par mission", 3)
    w.table(
        ["Mission", "Pilote(s)"],
        [
            [f"{row['code']} — {row['name']}", " ; ".join(row["pilots"]) or "à désigner"]
            for row in data["mission_pilots"]
        ],
    )
    w.heading("L'implication des usagers", 2)
    w.rich_text(
        sections["usagers"]["text"], empty="L'implication des usagers n'est pas encore décrite."
    )
    w.heading("La cohérence avec le Projet régional de santé", 2)
    w.rich_text(
        sections["prs"]["text"],
        empty="La cohérence avec le Projet régional de santé n'est pas encore décrite.",
    )
    _calendar(w, data)
    w.heading("Le système d'information", 2)
    for name, label, value in data["information_system"]:
        if name in ("website", "dpo"):
            w.paragraph(f"{str(label)[:1].upper()}{str(label)[1:]} : {value}")
        else:
            w.heading(f"{str(label)[:1].upper()}{str(label)[1:]}", 3)
            w.rich_text(value)
    if not data["information_system"]:
        w.paragraph("Le système d'information n'est pas encore décrit.", muted=True)
    _budget(w, data["budget"])
    _partnerships(w, data)
    w.heading("Les signatures des acteurs engagés", 2)
    w.paragraph(
        "Les membres de l'association soussignés s'engagent dans le présent projet de santé."
    )
    w.paragraph("Fait à ………………………………, le ……/……/…………")
    w.table(
        ["Nom", "Profession ou structure", "Commune d'exercice", "Signature"],
        [
            [
                m.display_name
                + (f"\nreprésentée par {m.representative}" if m.representative else ""),
                m.description,
                m.commune.name if m.commune else DASH,
                "",
            ]
            for m in data["signatories"]
        ]
        or [["Aucun membre enregistré."]],
    )


def _association(w: Writer, data: dict) -> None:
    w.heading("L'association", 2)
    association = data["association"]
    if association is None:
        w.paragraph("L'association n'est pas encore renseignée.", muted=True)
        return
    w.key_values(
        [
            ("Nom", association.name),
            ("Numéro RNA", association.rna),
            ("Déclarée en préfecture le", _date(association.declaration_date)),
            ("Siège", association.seat),
        ]
    )
    if association.purpose:
        w.heading("Objet", 3)
        w.rich_text(association.purpose)
    annexed = [
        f"Les statuts figurent en annexe {data['statuts_annex']['number']} du PDF."
        if data["statuts_annex"]
        else "",
        f"Le règlement intérieur figure en annexe {data['reglement_annex']['number']} du PDF."
        if data["reglement_annex"]
        else "",
    ]
    w.paragraph(_join(*annexed, sep=" "), muted=True)


def _calendar(w: Writer, data: dict) -> None:
    w.heading("Le calendrier de déploiement des missions", 2)
    rows = []
    for row in data["calendar"]:
        span = _join(
            f"du {_date(row['start'])}" if row["start"] else "",
            f"au {_date(row['end'])}" if row["end"] else "",
            sep=" ",
        )
        rows.append([f"Mission {row['code']} — {row['name']}" + (f" : {span}" if span else "")])
        for item in row["fiches"]:
            fiche = item["fiche"]
            steps = " ; ".join(
                f"{Truncator(s.what).chars(80)} ({_dates(s.start_date, s.end_date)})"
                for s in item["steps"]
            )
            rows.append(
                [
                    f"Fiche-action {fiche.number} : {fiche.title}",
                    _date(fiche.start_date),
                    _date(fiche.end_date),
                    steps or DASH,
                ]
            )
        if not row["fiches"]:
            rows.append(["Aucune fiche-action : calendrier à établir."])
    w.table(["Mission et fiches-actions", "Démarrage", "Échéance", "Étapes datées"], rows)


def _budget(w: Writer, budget) -> None:
    w.heading("Le budget prévisionnel", 2)
    if budget is None:
        w.paragraph("Le budget prévisionnel n'est pas encore établi.", muted=True)
        return
    if budget.population:
        w.paragraph(
            f"Financement ACI calculé pour {format_number(budget.population)} habitants"
            + (
                f" : {euros(budget.funding.total)} par an à 100 % d'atteinte"
                if budget.funding
                else ""
            )
            + "."
        )
    for table in budget.tables:
        w.heading(table.title, 3)
        rows = []
        for side, side_rows, total, _key in table.sides:
            rows.append([side])
            rows.extend([r.label, r.category_label, euros(r.amount)] for r in side_rows)
            rows.append([f"Total des {side.lower()}", "", euros(total)])
        w.table(["Poste", "Catégorie", "Montant"], rows, numeric=(2,))
        if not table.balanced:
            w.paragraph(
                f"Écart : {euros(table.gap)} (le tableau n'est pas à l'équilibre).", bold=True
            )
    w.heading("Budget global", 3)
    totals = [
        ("Total des dépenses", euros(budget.expense_total)),
        ("Total des ressources", euros(budget.resource_total)),
    ]
    if not budget.balanced:
        totals.append(("Écart", euros(budget.gap)))
    w.key_values(totals)
    if budget.grants:
        w.heading("Autres financements", 3)
        w.table(
            ["Financeur", "Objet", "État", "Montant"],
            [[g.funder, g.title, g.get_status_display(), euros(g.amount)] for g in budget.grants],
            numeric=(3,),
        )


def _partnerships(w: Writer, data: dict) -> None:
    w.heading("Les partenariats", 2)
    if not data["partnerships"]:
        w.paragraph("Aucune convention de partenariat pour l'instant.", muted=True)
        return
    rows = []
    for p in data["partnerships"]:
        period = _join(
            f"du {_date(p.start_date)}" if p.start_date else "",
            f"au {_date(p.end_date)}" if p.end_date else "",
            sep=" ",
        )
        if p.annex:
            convention = f"annexe {p.annex['number']} du PDF"
        elif p.not_reproduced:
            convention = f"déposée ({p.not_reproduced['format']}), non reproduite"
        else:
            convention = DASH
        rows.append([p.partner, p.purpose, period or DASH, convention])
    w.table(["Partenaire", "Objet", "Période", "Convention"], rows)


def _annexes(w: Writer, data: dict) -> None:
    w.heading("Annexes", 1)
    w.heading("Annexe 1 — Communes du territoire", 2)
    w.table(
        ["Code INSEE", "Commune", "Département", "EPCI", "Habitants"],
        [
            [
                c.code,
                c.name,
                c.departement_id,
                c.epci.name if c.epci else DASH,
                format_number(c.population),
            ]
            for c in data["communes"]
        ],
        numeric=(4,),
    )
    documents = data["annexes"] + data["annexes_not_reproduced"]
    if documents:
        w.heading("Documents annexés", 2)
        w.paragraph(
            "Les documents déposés sur le portail (statuts, règlement intérieur, conventions) "
            "ne sont pas reproduits dans le fichier Word : les fichiers PDF sont reproduits "
            "dans le PDF du projet de santé.",
            muted=True,
        )
        w.table(
            ["Annexe", "Document", "Titre"],
            [
                [
                    f"Annexe {item['number']} du PDF" if "number" in item else "non reproduite",
                    item["kind"][:1].upper() + item["kind"][1:],
                    item["document"].title,
                ]
                for item in documents
            ],
        )
