import contextlib
import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the live server's ORM calls
# happen in its own thread, so Django's async guard must be relaxed here only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture(autouse=True)
def _leave_pages_with_unsaved_text(request):
    """A page holding unsaved text asks before it is left (static/js/drafts.js); Playwright
    would dismiss that question, i.e. stay. Tests leave, as a user answering "Quitter"."""
    if "page" not in request.fixturenames:
        return

    from playwright.sync_api import Error

    page = request.getfixturevalue("page")

    def _accept(dialog):
        with contextlib.suppress(Error):  # the test's own handler may have answered
            if dialog.type == "beforeunload":
                dialog.accept()
            elif page._impl_obj.listener_count("dialog") == 1:
                dialog.dismiss()  # Playwright's default when a test has no dialog handler

    page.on("dialog", _accept)


@pytest.fixture
def screenshot(page):
    """Save a full-page PNG when SCREENSHOT_DIR is set (to look at pages as a user would)."""

    def _shot(name):
        if SCREENSHOTS:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            # caret="initial": Playwright's default injects a <style> the CSP refuses.
            page.screenshot(
                path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True, caret="initial"
            )

    return _shot


@pytest.fixture
def log_in(page, live_server):
    """log_in("claire.martin"[, on=other_page]): a demo user logs in through the login page
    (the browser's previous session, if any, is forgotten first)."""
    from playwright.sync_api import expect

    from tests.conftest import DEMO_PASSWORD

    def _log_in(who, *, on=None):
        tab = on or page  # another browser context's page, for a second person
        email = who if "@" in who else f"{who}@demo.cpts-portal.fr"
        tab.context.clear_cookies()
        tab.goto(f"{live_server.url}/compte/connexion/")
        tab.get_by_label("Adresse e-mail").fill(email)
        tab.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        tab.get_by_role("button", name="Se connecter").click()
        expect(tab.get_by_role("button", name="Se déconnecter")).to_be_attached()

    return _log_in
