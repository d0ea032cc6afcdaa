"""axe-core (tests/oidc/node_modules, pinned by its package-lock.json) run in the browser on the
main pages: no serious or critical violation. And the budget page fits a phone's width."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "oidc" / "node_modules" / "axe-core" / "axe.min.js"
PIC = "/projets/pic-saint-loup"

PAGES = {
    None: ["/compte/connexion/", "/aide/", "/compte/inscription/"],
    "claire.martin": [
        "/",
        f"{PIC}/",
        f"{PIC}/territoire/",
        f"{PIC}/diagnostic/",
        f"{PIC}/missions/",
        f"{PIC}/fiches/1/",
        f"{PIC}/gouvernance/",
        f"{PIC}/budget/",
        f"{PIC}/documents/",
    ],
    "camille.dupuis": ["/instruction/", "/projets/uzege-pont-du-gard/"],
    "lucie.bernard": ["/projets/bassin-de-thau/suivi/"],
}


def _violations(page):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: make oidc-provider")
    # axe.min.js is read by Playwright and injected as an inline script tag, which the CSP
    # refuses; evaluating its text runs it in the page instead.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("who", list(PAGES), ids=lambda who: who or "anonymous")
def test_main_pages_have_no_serious_or_critical_axe_violation(demo, log_in, live_server, page, who):
    if who:
        log_in(who)
    found = {}
    for path in PAGES[who]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        violations = _violations(page)
        if violations:
            found[path] = violations
    assert found == {}


def test_the_budget_page_fits_a_phone(demo, log_in, live_server, page, screenshot):
    log_in("claire.martin")
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto(f"{live_server.url}{PIC}/budget/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot("budget-375px")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.evaluate("innerWidth"), width
