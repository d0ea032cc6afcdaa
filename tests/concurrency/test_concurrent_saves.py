"""Twenty clients save the same records at the same moment, through the real views, on
PostgreSQL: every accepted save is in the history, every refused one got its conflict, and the
record holds one accepted save entirely — nothing lost, nothing half-written.

Each client runs in its own thread with its own database connection (closed at its end), logs
in, waits at a barrier with the others, then posts a form based on the same starting version.
The database is really committed here (transactional tests): the conftest puts the demo back
after each test.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from funding.models import BudgetLine
from lifecycle.avis_questions import JUDGEMENTS, QUESTIONS
from missions.models import Fiche
from projects.models import Avis, Decision, Project, ProjectEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 20
PIC, UZEGE = "pic-saint-loup", "uzege-pont-du-gard"


@dataclass
class Save:
    user: object
    url: str
    data: dict
    status: int | None = None
    messages: tuple[str, ...] = ()


def race(saves: list[Save]) -> list[Save]:
    """Post every save at once, each from its own client, thread and database connection."""
    barrier = threading.Barrier(len(saves))
    errors = []

    def post(save: Save):
        try:
            client = Client()
            client.force_login(save.user, backend="django.contrib.auth.backends.ModelBackend")
            barrier.wait(timeout=60)
            response = client.post(save.url, save.data)
            save.status = response.status_code
            save.messages = tuple(str(m) for m in get_messages(response.wsgi_request))
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(save,)) for save in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a client never got its answer"
    assert not errors, errors
    return saves


def _accepted(saves, status=302):
    return [save for save in saves if save.status == status]


def test_fiche_sections_saved_at_once_keep_one_whole_save_per_section(demo):
    fiche = Fiche.objects.get(project__slug=PIC, number=1)
    start = fiche.version
    editors = [demo["users"]["claire.martin"], demo["users"]["julien.roux"]]  # coordinator, pilot

    def means(i):
        return {
            "means_logistic": f"Salle n° {i}",
            "means_digital": f"Outil n° {i}",
            "means_human": f"Temps n° {i}",
            "resources_available": f"Ressource n° {i}",
        }

    def obstacles(i):
        return {"obstacles": f"Frein n° {i}", "levers": f"Levier n° {i}", "budget": str(1000 + i)}

    sections = [("moyens", means), ("freins", obstacles)]
    saves = []
    for i in range(CLIENTS):  # half write one section, half the other
        section, fields = sections[i % 2]
        url = reverse("missions:fiche-section", args=[PIC, 1, section])
        saves.append(Save(editors[i % 2], url, {"version": start, **fields(i)}))

    race(saves)

    assert Counter(save.status for save in saves) == {302: 2, 409: CLIENTS - 2}
    # One save per section won: the other section's winner was merged in, not refused, since
    # it touched none of the same fields; each loser was refused, with its conflict (409).
    means_won = [s for s in _accepted(saves) if "means_logistic" in s.data]
    obstacles_won = [s for s in _accepted(saves) if "obstacles" in s.data]
    assert len(means_won) == len(obstacles_won) == 1
    fiche.refresh_from_db()
    for name, value in {**means_won[0].data, **obstacles_won[0].data}.items():
        if name == "budget":
            assert fiche.budget == Decimal(value)
        elif name != "version":
            assert getattr(fiche, name) == value, name
    assert fiche.version == start + 2
    history = list(fiche.history.filter(version__gt=start).order_by("version"))
    assert [record.version for record in history] == [start + 1, start + 2]
    # Each accepted save is a record of the history holding its fields, whole.
    for won in (means_won[0], obstacles_won[0]):
        fields = {k: v for k, v in won.data.items() if k not in ("version", "budget")}
        assert any(all(getattr(r, k) == v for k, v in fields.items()) for r in history), won
    # No refused text reached the fiche or its history.
    refused = {v for s in saves if s.status == 409 for k, v in s.data.items() if k != "budget"}
    for record in [fiche, *history]:
        written = {getattr(record, name) for name in [*means(0), "obstacles", "levers"]}
        assert not (written & refused)


def test_a_budget_line_saved_at_once_keeps_one_whole_save(demo):
    line = BudgetLine.objects.get(budget__project__slug=PIC, number=1)
    start = line.version
    coordinator = demo["users"]["claire.martin"]
    url = reverse("funding:line-update", args=[PIC, 1])
    saves = [
        Save(
            coordinator,
            url,
            {
                "version": start,
                "category": line.category,
                "label": f"Ligne du client n° {i}",
                "amount": str(1000 + i),
            },
        )
        for i in range(CLIENTS)
    ]

    race(saves)

    assert Counter(save.status for save in saves) == {302: 1, 409: CLIENTS - 1}
    (won,) = _accepted(saves)
    line.refresh_from_db()
    assert (line.label, line.amount, line.version) == (
        won.data["label"],
        Decimal(won.data["amount"]),
        start + 1,
    )
    history = list(line.history.filter(version__gt=start))
    assert [(r.label, r.amount) for r in history] == [(line.label, line.amount)]


def test_an_avis_saved_at_once_keeps_one_whole_save(demo):
    avis = Avis.objects.get(deposit__project__slug=UZEGE, body="ARS_DD")
    start = avis.version
    reviewers = [demo["users"]["camille.dupuis"], demo["users"]["laurent.bonnet"]]  # DD ARS 30
    url = reverse("lifecycle:avis-detail", args=[UZEGE, "ARS_DD"])
    overalls = [value for value, _ in Avis.Overall.choices]

    def grid(i):
        data = {
            "version": start,
            "operation": "save",
            "overall": overalls[i % len(overalls)],
            "motivation": f"Motivation du client n° {i}",
        }
        for key, _ in QUESTIONS:
            data[f"{key}_judgement"] = JUDGEMENTS[i % len(JUDGEMENTS)][0]
            data[f"{key}_comment"] = f"{key} : commentaire du client n° {i}"
        return data

    saves = [Save(reviewers[i % 2], url, grid(i)) for i in range(CLIENTS)]

    race(saves)

    assert Counter(save.status for save in saves) == {302: 1, 409: CLIENTS - 1}
    (won,) = _accepted(saves)
    expected_answers = {
        key: {
            "judgement": won.data[f"{key}_judgement"],
            "comment": won.data[f"{key}_comment"],
        }
        for key, _ in QUESTIONS
    }
    avis.refresh_from_db()
    assert avis.version == start + 1
    assert (avis.overall, avis.motivation, avis.answers) == (
        won.data["overall"],
        won.data["motivation"],
        expected_answers,
    )
    history = list(avis.history.filter(version__gt=start))
    assert [(r.overall, r.motivation, r.answers) for r in history] == [
        (avis.overall, avis.motivation, expected_answers)
    ]


def test_twenty_decisions_at_once_record_exactly_one(demo):
    project = Project.objects.get(slug=UZEGE)
    decider = demo["users"]["laurent.bonnet"]  # DD ARS of the Gard
    url = reverse("lifecycle:project-transition", args=[UZEGE])

    def decision(i):
        if i % 2:
            return {"action": "oppose", "comment": f"Opposition n° {i}", "ground_prs": "on"}
        return {"action": "validate", "comment": f"Validation n° {i}"}

    saves = [
        Save(decider, url, {**decision(i), "confirm_missing_avis": "on"}) for i in range(CLIENTS)
    ]

    race(saves)

    # The decision form answers with a redirect and a message: one success, the others are
    # told the decision is already taken.
    assert {save.status for save in saves} == {302}
    won = [save for save in saves if any(m.startswith("C'est fait") for m in save.messages)]
    assert len(won) == 1, [save.messages for save in saves]
    refusals = [save.messages for save in saves if save is not won[0]]
    assert all(
        any("pas possible à cette étape" in m or "déjà été enregistrée" in m for m in messages)
        for messages in refusals
    ), refusals
    (decided,) = Decision.objects.filter(deposit__project=project)
    comment = won[0].data["comment"]
    if won[0].data["action"] == "validate":
        assert (decided.kind, decided.vigilance, decided.motivation) == ("VALIDATION", comment, "")
    else:
        assert (decided.kind, decided.motivation, decided.ground_prs) == (
            "OPPOSITION",
            comment,
            True,
        )
    project.refresh_from_db()
    assert project.state == {"validate": "VALIDATED", "oppose": "OPPOSED"}[won[0].data["action"]]
    events = ProjectEvent.objects.filter(project=project, action__in=["validate", "oppose"])
    assert [(e.action, e.comment) for e in events] == [(won[0].data["action"], comment)]
