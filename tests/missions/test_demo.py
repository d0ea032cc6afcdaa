import pytest

from demo.seed import demo_seed
from missions.checks import deposit_gaps
from missions.models import Fiche, Indicator, SubAction
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_gives_pic_saint_loup_six_fiches_and_no_crisis_fiche(demo):
    pic = demo["projects"]["pic-saint-loup"]
    julien = demo["users"]["julien.roux"]

    fiches = list(Fiche.objects.filter(project=pic))

    assert len(fiches) == 6
    assert [f.number for f in fiches if f.pilot_id == julien.pk] == [1, 3]
    assert all(f.sub_actions.exists() and f.indicators.exists() for f in fiches)
    # The crisis mission is optional under ACI-2019 ("conditions et détails à venir").
    assert deposit_gaps(pic) == []


def test_demo_gives_uzege_every_socle_mission(demo):
    assert deposit_gaps(demo["projects"]["uzege-pont-du-gard"]) == []


def test_demo_seed_is_idempotent(demo):
    counts = (Fiche.objects.count(), SubAction.objects.count(), Indicator.objects.count())

    demo_seed(password=DEMO_PASSWORD)

    assert (Fiche.objects.count(), SubAction.objects.count(), Indicator.objects.count()) == counts
