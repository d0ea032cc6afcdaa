import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the live server's ORM calls
# happen in its own thread, so Django's async guard must be relaxed here only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


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
