import pytest

from missions.catalogue import catalogue_ensure


@pytest.fixture
def catalogue(db):
    """The mission catalogue (a transactional test's flush removes the migration's rows)."""
    catalogue_ensure()


@pytest.fixture
def pic(demo):
    return demo["projects"]["pic-saint-loup"]


@pytest.fixture
def htmx(login):
    """A logged-in client whose requests come from htmx: htmx(user).post(url, data)."""

    def _client(user):
        client = login(user)
        client.defaults["HTTP_HX_REQUEST"] = "true"
        return client

    return _client
