import pytest


@pytest.fixture(autouse=True)
def bareme_2019(db):
    """The 2019 barème of the data migration (restored after a transactional test's flush)."""
    from funding.data import aci_2019
    from funding.models import Bareme, BaremeLine

    if not Bareme.objects.filter(name="ACI-2019").exists():
        aci_2019.install(Bareme, BaremeLine)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
