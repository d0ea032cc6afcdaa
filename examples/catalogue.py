"""The portal's example fiches-actions, one or more per ACI mission.

Written in the portal's own words from the worked examples of the guide ("En pratique, un
exemple de rédaction d'action", one per mission; the crisis mission, which the guide leaves
without one, follows its description of the mission). Baselines and targets are plausible
figures for a CPTS of taille 2 (40 000 to 80 000 inhabitants): the coordinator replaces them
with his diagnostic's. Each example becomes a real fiche with "Partir de cet exemple"
(examples.services.start_from).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from missions.models import Fiche


@dataclass(frozen=True)
class ExampleIndicator:
    name: str
    kind: str  # "FOLLOW_UP" or "RESULT" (missions.models.Indicator.Kind)
    baseline: Decimal | None
    target: Decimal | None
    unit: str
    source: str = ""
    frequency: str = "annuelle"


@dataclass(frozen=True)
class Example:
    key: str
    mission_code: str
    title: str
    problems: str
    objectives: str
    target_public: str
    milestones: str
    means_logistic: str
    means_digital: str
    means_human: str
    resources_available: str
    obstacles: str
    levers: str
    sub_actions: tuple[str, ...] = field(default=())
    indicators: tuple[ExampleIndicator, ...] = field(default=())

    # The fiche's own fields a "Partir de cet exemple" fills.
    FICHE_FIELDS = Fiche.TEXT_FIELDS

    def search_text(self) -> str:
        parts = [self.title, *(getattr(self, name) for name in self.FICHE_FIELDS)]
        parts += list(self.sub_actions) + [i.name for i in self.indicators]
        return " ".join(parts).lower()


D = Decimal
CALENDAR = (
    "Signature de l'ACI ; démarrage de l'action au plus tard au délai de la mission ; "
    "déploiement complet avant l'échéance de la mission ; un point d'étape par trimestre "
    "avec l'Assurance Maladie."
)

EXAMPLES = (
    Example(
        key="medecin-traitant-patients-fragiles",
        mission_code="1a",
        title="Trouver un médecin traitant aux patients fragiles qui n'en ont pas",
        problems=(
            "Sur le territoire, une part notable des patients en affection de longue durée, "
            "des plus de 70 ans et des bénéficiaires de la complémentaire santé solidaire ou "
            "de l'AME n'a pas de médecin traitant : leur suivi se fait au coup par coup et "
            "leur état s'aggrave faute de prise en charge au long cours."
        ),
        objectives=(
            "Proposer à chaque patient fragile sans médecin traitant un médecin de la CPTS "
            "qui accepte de le suivre, dans le respect du libre choix du patient et du médecin."
        ),
        target_public=(
            "Patients sans médecin traitant : en ALD, de plus de 70 ans, en situation de "
            "précarité (C2S, AME)."
        ),
        milestones=CALENDAR,
        means_logistic="Une salle de réunion ; un numéro et une adresse de contact dédiés.",
        means_digital="Un fichier partagé et sécurisé des demandes (messagerie de santé).",
        means_human=(
            "Le temps du coordinateur pour recenser et orienter les demandes ; le temps "
            "médical de concertation pour répartir les nouveaux patients."
        ),
        resources_available=(
            "Les listes de patients sans médecin traitant transmises par la CPAM ; le "
            "dispositif d'appui à la coordination du territoire."
        ),
        obstacles="Des médecins déjà saturés ; des patients difficiles à joindre.",
        levers=(
            "Une répartition équitable des nouveaux patients entre les médecins volontaires ; "
            "l'appui des infirmiers et pharmaciens pour repérer les patients concernés."
        ),
        sub_actions=(
            "Recenser avec l'Assurance Maladie les patients fragiles sans médecin traitant "
            "et les classer par priorité de santé.",
            "Identifier les médecins qui peuvent accueillir de nouveaux patients et combien "
            "chacun (sondage, réunion de concertation).",
            "Informer les patients concernés (courrier, affichage dans les cabinets, "
            "officines et établissements médico-sociaux) et les orienter vers un médecin.",
        ),
        indicators=(
            ExampleIndicator(
                "Part des patients en ALD sans médecin traitant",
                "RESULT",
                D("6.5"),
                D("4"),
                "%",
                "Assurance Maladie (données de la CPAM)",
            ),
            ExampleIndicator(
                "Part des patients de plus de 70 ans sans médecin traitant",
                "RESULT",
                D("5"),
                D("3"),
                "%",
                "Assurance Maladie (données de la CPAM)",
            ),
            ExampleIndicator(
                "Médecins de la CPTS acceptant de nouveaux patients",
                "FOLLOW_UP",
                D("20"),
                D("45"),
                "%",
                "Sondage de la CPTS",
            ),
        ),
    ),
    Example(
        key="orientation-soins-non-programmes",
        mission_code="1b",
        title="Orienter chaque demande de soins non programmés vers un professionnel disponible",
        problems=(
            "Beaucoup de passages aux urgences du territoire ne sont pas suivis d'une "
            "hospitalisation : ils relevaient d'une consultation de ville dans la journée, "
            "que les patients ne savent pas où trouver aux heures d'ouverture des cabinets."
        ),
        objectives=(
            "Mettre le patient en situation d'urgence non vitale en contact, le jour même ou "
            "sous 24 heures, avec le professionnel de santé disponible le plus proche."
        ),
        target_public="Patients du territoire ayant une demande de soins non programmés.",
        milestones=CALENDAR,
        means_logistic="Un local, un standard téléphonique, du matériel de bureau.",
        means_digital=(
            "Un logiciel d'orientation avec la traçabilité sécurisée de chaque demande ; "
            "l'agenda partagé des créneaux de soins non programmés."
        ),
        means_human=(
            "Un ou plusieurs régulateurs formés pour apprécier, prioriser et orienter les "
            "demandes ; le temps de coordination médicale."
        ),
        resources_available=(
            "Les créneaux déjà ouverts par les cabinets et maisons de santé ; la maison "
            "médicale de garde ; le service d'accès aux soins (SAS) du département."
        ),
        obstacles="Créneaux inégalement répartis ; recrutement des régulateurs.",
        levers=(
            "Une articulation avec le SAS et la permanence des soins ; la mutualisation du "
            "dispositif avec une CPTS voisine."
        ),
        sub_actions=(
            "Recenser les créneaux de soins non programmés ouverts par les professionnels, "
            "l'offre de la maison médicale de garde et l'accès à la radiologie et à la "
            "biologie.",
            "Mettre en place une orientation téléphonique par un personnel formé qui "
            "priorise les demandes et oriente vers le professionnel disponible.",
            "Tracer chaque orientation dans un outil sécurisé et en faire le bilan chaque "
            "trimestre.",
            "Demander le financement spécifique de l'orientation des soins non programmés.",
        ),
        indicators=(
            ExampleIndicator(
                "Consultations réalisées dans le cadre du dispositif d'orientation",
                "RESULT",
                D("0"),
                D("3000"),
                "consultations par an",
                "Logiciel d'orientation de la CPTS",
            ),
            ExampleIndicator(
                "Passages aux urgences non suivis d'hospitalisation",
                "FOLLOW_UP",
                D("78"),
                D("70"),
                "%",
                "Établissements de santé, ARS",
            ),
            ExampleIndicator(
                "Admissions directes à l'hôpital adressées par un professionnel de ville",
                "FOLLOW_UP",
                D("12"),
                D("18"),
                "%",
                "Établissements de santé",
            ),
        ),
    ),
    Example(
        key="parcours-personnes-agees",
        mission_code="2",
        title="Organiser un parcours pluriprofessionnel des personnes âgées à domicile",
        problems=(
            "La population âgée du territoire augmente ; les ruptures de parcours (sortie "
            "d'hospitalisation, chute, iatrogénie) mènent à des hospitalisations évitables "
            "et à des entrées en établissement précoces."
        ),
        objectives=(
            "Proposer aux personnes âgées fragiles un parcours coordonné entre ville, hôpital "
            "et médico-social, fondé sur des protocoles pluriprofessionnels."
        ),
        target_public="Personnes de plus de 75 ans vivant à domicile, repérées fragiles.",
        milestones=CALENDAR,
        means_logistic="Salles de réunion pour les concertations pluriprofessionnelles.",
        means_digital="Un outil de coordination des parcours ; la messagerie sécurisée de santé.",
        means_human=(
            "Un coordinateur de parcours ; le temps des professionnels aux réunions de "
            "concertation."
        ),
        resources_available=(
            "Les recommandations de la HAS sur le parcours de la personne âgée ; le "
            "dispositif d'appui à la coordination ; l'équipe mobile de gériatrie."
        ),
        obstacles="Disponibilité des professionnels pour les concertations.",
        levers=(
            "Des partenariats écrits avec l'EHPAD, le SSIAD et le service de gériatrie ; "
            "l'indemnisation du temps de concertation."
        ),
        sub_actions=(
            "Choisir le parcours à partir du diagnostic, des constats des professionnels et "
            "des retours des patients.",
            "Réunir un groupe de travail pluriprofessionnel et écrire les protocoles du "
            "parcours (qui fait quoi, quand, pour qui).",
            "Organiser les réunions de concertation pluriprofessionnelle (lieu, rythme, "
            "choix des patients).",
            "Conclure les partenariats avec l'EHPAD, le SSIAD et le service de gériatrie.",
        ),
        indicators=(
            ExampleIndicator(
                "Patients ayant bénéficié du parcours parmi les patients qui auraient pu en "
                "bénéficier",
                "RESULT",
                D("0"),
                D("30"),
                "%",
                "Outil de coordination de la CPTS, Assurance Maladie",
            ),
            ExampleIndicator(
                "Protocoles pluriprofessionnels écrits et diffusés",
                "FOLLOW_UP",
                D("0"),
                D("3"),
                "protocoles",
                "CPTS",
            ),
        ),
    ),
    Example(
        key="prevention-obesite",
        mission_code="3",
        title="Prévenir le surpoids et l'obésité des enfants et des adultes",
        problems=(
            "La part d'enfants et d'adultes en surpoids ou obèses est plus forte que la "
            "moyenne régionale, surtout chez les personnes en situation de précarité ; le "
            "diabète en affection de longue durée progresse."
        ),
        objectives=(
            "Mener des actions de prévention et de dépistage du surpoids, avec les acteurs "
            "sanitaires, sociaux et médico-sociaux, les élus et les usagers."
        ),
        target_public=(
            "Enfants et adolescents, femmes enceintes, personnes en situation de précarité."
        ),
        milestones=CALENDAR,
        means_logistic="Salles pour les ateliers ; supports d'information (affiches, site).",
        means_digital="Le site de la CPTS ; un outil de suivi des actions menées.",
        means_human=(
            "Diététiciens, éducateurs en activité physique adaptée, le temps de coordination "
            "et des formateurs extérieurs."
        ),
        resources_available=(
            "Le guide de la HAS sur la prescription d'activité physique ; la médecine "
            "scolaire et la PMI ; les associations sportives de la commune."
        ),
        obstacles="Toucher les publics éloignés du soin.",
        levers=(
            "Des partenariats avec les communes, l'école et les associations ; un message "
            "porté par tous les professionnels de la CPTS."
        ),
        sub_actions=(
            "Repérer les publics à risque et organiser le dépistage (IMC, bilans).",
            "Ouvrir des consultations dédiées à l'activité physique.",
            "Former et sensibiliser les professionnels et les partenaires.",
            "Conclure des partenariats avec la mairie, la médecine scolaire, la PMI et les "
            "associations.",
        ),
        indicators=(
            ExampleIndicator(
                "Patients ayant bénéficié d'une action de prévention ou de dépistage",
                "RESULT",
                D("0"),
                D("600"),
                "patients par an",
                "CPTS",
            ),
            ExampleIndicator(
                "Actions de prévention ou de dépistage menées",
                "FOLLOW_UP",
                D("0"),
                D("12"),
                "actions par an",
                "CPTS",
            ),
            ExampleIndicator(
                "Patients satisfaits des actions",
                "FOLLOW_UP",
                None,
                D("80"),
                "%",
                "Questionnaire de satisfaction",
            ),
        ),
    ),
    Example(
        key="retours-experience-pluriprofessionnels",
        mission_code="4",
        title="Analyser ensemble les pratiques et les retours d'expérience",
        problems=(
            "Les événements indésirables associés aux soins (ruptures d'information, erreurs "
            "de traitement à la sortie de l'hôpital) sont connus de chacun mais jamais "
            "analysés ensemble ; les pratiques diffèrent d'un professionnel à l'autre."
        ),
        objectives=(
            "Tirer des retours d'expérience des pistes d'amélioration et d'harmonisation des "
            "pratiques, dans une démarche pluriprofessionnelle."
        ),
        target_public="Professionnels de santé du territoire et, à travers eux, leurs patients.",
        milestones=CALENDAR,
        means_logistic="Une salle de réunion.",
        means_digital="Un outil de déclaration des événements indésirables.",
        means_human="Un référent qualité ; le temps des participants et de l'animation.",
        resources_available="Les outils de la HAS et de la structure régionale d'appui qualité.",
        obstacles="Crainte d'être jugé ; temps disponible.",
        levers="Un cadre bienveillant et anonyme ; des thèmes choisis par les participants.",
        sub_actions=(
            "Définir comment recueillir les retours d'expérience et choisir les cas.",
            "Désigner un référent qualité et constituer un groupe d'analyse des pratiques.",
            "Tenir des réunions de retour d'expérience et en diffuser les conclusions.",
            "Former et informer les professionnels sur les améliorations retenues.",
        ),
        indicators=(
            ExampleIndicator(
                "Professionnels participant aux groupes d'analyse des pratiques",
                "RESULT",
                D("0"),
                D("40"),
                "professionnels",
                "Feuilles de présence",
            ),
            ExampleIndicator(
                "Thèmes analysés",
                "FOLLOW_UP",
                D("0"),
                D("4"),
                "thèmes par an",
                "Comptes rendus",
            ),
        ),
    ),
    Example(
        key="attractivite-territoire-stagiaires",
        mission_code="5",
        title="Faire connaître le territoire aux étudiants et jeunes professionnels",
        problems=(
            "Une part importante des médecins a plus de 60 ans ; peu d'étudiants font leur "
            "stage sur le territoire et peu de jeunes professionnels s'y installent."
        ),
        objectives=(
            "Faire connaître la CPTS et l'exercice coordonné du territoire aux professionnels "
            "en formation et aux remplaçants, pour les accueillir en stage puis à "
            "l'installation."
        ),
        target_public="Étudiants en santé, internes, remplaçants, jeunes diplômés.",
        milestones=CALENDAR,
        means_logistic="Des logements de stage identifiés avec les communes.",
        means_digital="Un site « vitrine » de la CPTS.",
        means_human="Le temps de coordination ; un prestataire pour le site.",
        resources_available="Les maîtres de stage du territoire ; la faculté et les instituts.",
        obstacles="Logement et transport des stagiaires.",
        levers="Les élus du territoire ; les témoignages de jeunes installés.",
        sub_actions=(
            "Créer le site de la CPTS présentant le territoire, le projet de santé et "
            "l'exercice coordonné.",
            "Nouer des partenariats avec la mairie, la faculté et les instituts de formation.",
            "Réunir un groupe de travail qui tient le site à jour.",
        ),
        indicators=(
            ExampleIndicator(
                "Professionnels accueillis en stage sur le territoire",
                "RESULT",
                D("8"),
                D("15"),
                "stagiaires par an",
                "Faculté, CPTS",
            ),
            ExampleIndicator(
                "Maîtres de stage",
                "FOLLOW_UP",
                D("6"),
                D("10"),
                "maîtres de stage",
                "Faculté",
            ),
            ExampleIndicator(
                "Professionnels nouvellement installés",
                "FOLLOW_UP",
                D("2"),
                D("5"),
                "installations par an",
                "Ordres, Assurance Maladie",
            ),
        ),
    ),
    Example(
        key="plan-crise-sanitaire",
        mission_code="6",
        title="Préparer la réponse de la CPTS à une crise sanitaire grave",
        problems=(
            "Lors de la dernière crise (épidémie, canicule), les professionnels du territoire "
            "se sont organisés dans l'urgence, sans liste de contacts à jour ni répartition "
            "des rôles avec les autorités."
        ),
        objectives=(
            "Disposer d'un plan d'action de la CPTS en cas de crise sanitaire grave, connu "
            "des professionnels et articulé avec l'ARS, les communes et les établissements."
        ),
        target_public="Population du territoire ; professionnels de santé de la CPTS.",
        milestones=CALENDAR,
        means_logistic="Un lieu de repli identifié ; des équipements de protection en réserve.",
        means_digital="Un annuaire à jour et un outil d'alerte des professionnels.",
        means_human="Un référent crise et son suppléant ; le temps de coordination.",
        resources_available=(
            "Les plans de l'ARS et de la préfecture ; le plan communal de sauvegarde."
        ),
        obstacles="Tenir l'annuaire à jour ; mobiliser hors crise.",
        levers="Un exercice annuel ; un retour d'expérience après chaque alerte.",
        sub_actions=(
            "Écrire le plan de crise de la CPTS avec l'ARS et les communes.",
            "Tenir à jour l'annuaire et les moyens d'alerte des professionnels.",
            "Organiser un exercice chaque année et en tirer les enseignements.",
        ),
        indicators=(
            ExampleIndicator(
                "Plan de crise écrit et validé",
                "RESULT",
                D("0"),
                D("1"),
                "plan",
                "CPTS, ARS",
            ),
            ExampleIndicator(
                "Professionnels joignables dans l'annuaire d'alerte",
                "FOLLOW_UP",
                D("30"),
                D("90"),
                "%",
                "Annuaire de la CPTS",
            ),
        ),
    ),
)

BY_KEY = {example.key: example for example in EXAMPLES}
