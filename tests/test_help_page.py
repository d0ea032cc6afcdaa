"""/aide/ is public (the login and sign-up pages link to it) and says how to do each step."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STEPS = [
    "Démarrer",
    "Le territoire",
    "Le diagnostic territorial",
    "Les fiches-actions",
    "Le budget prévisionnel",
    "La gouvernance",
    "La lettre d'intention",
    "Le dépôt du projet de santé",
    "Le contrat et le suivi annuel",
]


def test_help_is_public_and_linked_from_the_login_page(client):
    login_page = client.get(reverse("accounts:login")).content.decode()

    response = client.get(reverse("help"))

    assert 'href="/aide/"' in login_page
    assert response.status_code == 200
    content = response.content.decode().replace("&#x27;", "'")
    for number, step in enumerate(STEPS, start=1):
        assert f"{number}. {step}</h3>" in content
    assert "Les règles que le portail applique" in content
    assert "brouillon dans votre navigateur" in content
    assert "«&nbsp;Restaurer&nbsp;»" in content
