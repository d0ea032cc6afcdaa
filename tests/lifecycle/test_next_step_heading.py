"""The project page says "Prochaine étape" only when the user has a step to take: not while
the ARS examines the deposited projet de santé, nor after the contract."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("user", "slug"),
    [("thomas.lefevre", "uzege-pont-du-gard"), ("lucie.bernard", "bassin-de-thau")],
)
def test_no_next_step_while_waiting_for_the_ars_or_after_the_deposit(demo, login, user, slug):
    client = login(demo["users"][user])

    content = client.get(reverse("lifecycle:project-detail", args=[slug])).content.decode()

    assert "Prochaine étape" not in content
    assert "Lettre d&#x27;intention" in content or "Lettre d'intention" in content


def test_the_next_step_is_named_while_writing(demo, login):
    client = login(demo["users"]["claire.martin"])

    content = client.get(reverse("lifecycle:project-detail", args=["pic-saint-loup"])).content

    assert "Prochaine étape" in content.decode()
