"""The needs of the diagnostic: "Ajouter une ligne" adds blank rows without saving first
(static/js/formsets.js), so five new needs are saved at once."""

import pytest
from playwright.sync_api import expect

from diagnostics.models import Need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_five_needs_are_added_in_one_save(demo, log_in, live_server, page, screenshot):
    project = demo["projects"]["pic-saint-loup"]
    before = Need.objects.filter(project=project).count()
    log_in("claire.martin")
    page.goto(f"{live_server.url}/projets/pic-saint-loup/diagnostic/besoins/modifier/")
    rows = page.locator("#lignes-besoins tr")
    shown = rows.count()
    assert shown == before + 2  # the server's two blank rows

    for _ in range(3):
        page.get_by_role("button", name="Ajouter une ligne de besoin").click()
    expect(rows).to_have_count(before + 5)
    for line in range(before + 1, before + 6):
        page.get_by_label(f"Besoin (ligne {line})", exact=True).fill(f"Nouveau besoin {line}")
        page.get_by_label(f"Source (ligne {line})", exact=True).fill("Réunion du groupe pilote")
    screenshot("needs-five-new-rows")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text(f"Nouveau besoin {before + 5}")).to_be_visible()
    labels = set(Need.objects.filter(project=project).values_list("label", flat=True))
    assert {f"Nouveau besoin {line}" for line in range(before + 1, before + 6)} <= labels
