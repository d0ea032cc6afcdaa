import pytest

from tests.conftest import DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded documents go to a temporary folder, never the working tree's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(referential, settings, _media_in_tmp):
    """The demo data (as tests/conftest.py's), seeded once the temporary media folder is set:
    the demo documents are written there."""
    from projects.demo import demo_seed

    settings.DEMO_PASSWORD = DEMO_PASSWORD
    return demo_seed(password=DEMO_PASSWORD)
