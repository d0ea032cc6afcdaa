"""Issue 15: reviewers read the deposited file (frozen), with a "modifié depuis le dépôt"
marker and a diff against the live content; a re-deposit is a new round and the earlier
rounds stay readable."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import Need
from funding.models import BudgetLine
from lifecycle import transitions as lifecycle
from missions.models import Fiche
from projects.models import Avis, Deposit, ReviewComment

pytestmark = pytest.mark.django_db

SLUG = "uzege-pont-du-gard"


def _url(number=1):
    return reverse("lifecycle:deposit-round", args=[SLUG, number])


@pytest.fixture
def frozen(demo):
    """The Uzège deposit holds its content as deposited (the demo seeds it without)."""
    project = demo["projects"][SLUG]
    Deposit.objects.filter(project=project).update(snapshot=lifecycle.snapshot(project))
    return demo


def test_the_reviewer_reads_the_deposited_version_with_the_marker_and_the_diff(frozen, login):
    fiche = Fiche.objects.filter(project__slug=SLUG).order_by("pk").first()
    deposited_title = fiche.title
    reviewer = login(frozen["users"]["camille.dupuis"])
    unchanged = reviewer.get(_url()).content.decode()

    Fiche.objects.filter(pk=fiche.pk).update(title="Titre réécrit pendant l'instruction")
    changed = reviewer.get(_url()).content.decode()

    assert "Modifié depuis le dépôt" not in unchanged and "identique à la version déposée" in (
        unchanged
    )
    assert "Modifié depuis le dépôt" in changed and "modifié depuis le dépôt" in changed
    assert f"<del>{deposited_title}" in changed.replace("&#x27;", "'")
    assert "<ins>Titre réécrit pendant l&#x27;instruction" in changed
    review = reviewer.get(reverse("lifecycle:review-detail", args=[SLUG])).content.decode()
    assert _url() in review


def test_the_cpts_reads_a_round_only_once_decided_never_the_exchanges(frozen, login):
    ReviewComment.objects.create(
        deposit=Deposit.objects.get(project__slug=SLUG), text="Note interne", author=None
    )
    cpts = login(frozen["users"]["thomas.lefevre"])
    before = cpts.get(_url())
    lifecycle.apply(
        project=frozen["projects"][SLUG],
        action="validate",
        by=frozen["users"]["laurent.bonnet"],
        confirm_missing_avis=True,
    )

    after = cpts.get(_url())

    assert before.status_code == 404
    assert after.status_code == 200
    assert "Note interne" not in after.content.decode()
    assert "Décision : validation" in after.content.decode()


def test_a_re_deposit_is_a_new_round_and_the_first_stays_readable(frozen, login, monkeypatch):
    project = frozen["projects"][SLUG]
    Avis.objects.filter(deposit__project=project, body="ARS_DD").update(
        overall="DEFAVORABLE", motivation="Territoire incohérent.", submitted_at="2026-11-20T10:00Z"
    )
    lifecycle.apply(
        project=project,
        action="oppose",
        by=frozen["users"]["laurent.bonnet"],
        comment="Le territoire exclut Uzès.",
        ground_territory=True,
        confirm_missing_avis=True,
    )
    monkeypatch.setattr(lifecycle, "DEPOSIT_CHECKS", [])
    lifecycle.apply(
        project=project,
        action="deposit",
        by=frozen["users"]["thomas.lefevre"],
        confirm_deposit=True,
    )
    reviewer = login(frozen["users"]["camille.dupuis"])

    first = reviewer.get(_url(1)).content.decode()
    second = reviewer.get(_url(2)).content.decode()
    review = reviewer.get(reverse("lifecycle:review-detail", args=[SLUG])).content.decode()

    assert Deposit.objects.filter(project=project).count() == 2
    assert "Territoire incohérent." in first and "Décision : opposition" in first
    assert "Territoire incohérent." not in second and "Décision : " not in second
    assert "Dépôt n°2" in review and _url(1) in review
    # The first round is closed: its avis cannot change any more.
    dd_ars = Avis.objects.get(deposit__number=1, deposit__project=project, body="ARS_DD")
    locked = reviewer.post(
        reverse("lifecycle:avis-detail", args=[SLUG, "ARS_DD"]),
        {"version": dd_ars.version, "operation": "reopen"},
    )
    assert locked.status_code in (302, 200)  # the form of round 2's avis, which is open
    dd_ars.refresh_from_db()
    assert dd_ars.submitted_at is not None


def _changes_table(page: str) -> str:
    """The diff tables of the page (what changed since the deposit)."""
    return "".join(
        re.findall(r'<table class="table table-sm small snapshot-diff">.*?</table>', page, re.S)
    )


def test_the_demo_deposit_is_frozen_so_the_round_reads_as_deposited(demo, login):
    page = login(demo["users"]["camille.dupuis"]).get(_url()).content.decode()

    assert "identique à la version déposée" in page and "Modifié depuis le dépôt" not in page


def test_the_round_shows_values_as_users_read_them_with_one_query_per_related_model(
    demo, login, django_assert_num_queries
):
    fiches = list(Fiche.objects.filter(project__slug=SLUG).order_by("pk"))
    users = demo["users"]
    reviewer = login(users["camille.dupuis"])
    Fiche.objects.filter(pk=fiches[0].pk).update(
        pilot=users["emilie.fabre"], start_date=dt.date(2026, 11, 2), budget=Decimal("14500.00")
    )
    with CaptureQueriesContext(connection) as one_change:
        page = reviewer.get(_url()).content.decode()

    table = _changes_table(page)
    assert "<ins>Émilie Fabre</ins>" in table
    assert "<ins>02/11/2026</ins>" in table and "2026-11-02" not in table
    assert "<ins>14\u202f500\u00a0€</ins>" in table or "<ins>14 500 €</ins>" in table, table
    assert "14500.00" not in page
    assert not re.search(r"<t[dh][^>]*>(<(del|ins)>)?\d+(</(del|ins)>)?</t[dh]>", table), table
    # Every fiche given a pilot: the names still come from one query for the users.
    for fiche, name in zip(fiches[1:], ("henri.vidal", "thomas.lefevre"), strict=False):
        Fiche.objects.filter(pk=fiche.pk).update(pilot=users[name], start_date=dt.date(2027, 1, 4))
    with django_assert_num_queries(len(one_change.captured_queries)):
        page = reviewer.get(_url()).content.decode()
    assert "Henri Vidal" in _changes_table(page) and "04/01/2027" in _changes_table(page)


def test_the_marker_counts_in_french(demo, login):
    project = demo["projects"][SLUG]
    fiche = Fiche.objects.filter(project=project).order_by("pk").first()
    reviewer = login(demo["users"]["camille.dupuis"])
    Fiche.objects.filter(pk=fiche.pk).update(title="Nouveau titre")
    one = reviewer.get(_url()).content.decode()
    Need.objects.bulk_create(
        Need(project=project, number=900 + n, label=f"Besoin ajouté {n}", source="test")
        for n in (1, 2)
    )

    three = reviewer.get(_url()).content.decode()

    assert "Modifié depuis le dépôt</strong> : 1 élément modifié." in one
    assert "0 ajouté" not in one and "0 supprimé" not in one
    assert "Modifié depuis le dépôt</strong> : 3 éléments : 1 modifié et 2 ajoutés." in three


def test_a_budget_line_changed_since_the_deposit_names_its_part(demo, login):
    line = BudgetLine.objects.filter(budget__project__slug=SLUG, part="acces_soins").first()
    assert line is not None
    BudgetLine.objects.filter(pk=line.pk).update(amount=line.amount + 1000)

    page = login(demo["users"]["camille.dupuis"]).get(_url()).content.decode()

    assert "Montant annuel" in _changes_table(page)
    assert "acces_soins" not in page  # the line's part and the budget's missions, named
    assert "Accès aux soins (missions 1a et 1b)</dd>" in page
