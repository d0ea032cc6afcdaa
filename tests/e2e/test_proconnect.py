"""Journey: agents log in with ProConnect, against a real OpenID Connect provider.

The provider is node's `oidc-provider` (tests/oidc/provider.mjs), started on the loopback for
the session: authorization code flow with PKCE required, signed UserInfo, RP-initiated logout.
Chromium goes through the whole protocol: the portal's button, the provider's login page, the
return with its code and state, the token exchange, the logout on both sides.
"""

import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from accounts import services
from accounts.models import ExternalLogin, Membership, Organisation, User
from tests.conftest import IN_CI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID = "cpts-portal-e2e"
CLIENT_SECRET = "secret-du-portail-pour-les-tests-de-bout-en-bout"
AGENT = "isabelle.moreau@demo.cpts-portal.fr"  # DD ARS de l'Hérault: reviewer, team manager
CALLBACK = re.compile(r".*/compte/proconnect/retour/\?.*")


def _missing(reason):
    if IN_CI:
        pytest.fail(reason)  # CI has node: the journey must run there
    pytest.skip(reason)


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """The provider's issuer URL; the process runs for the whole session."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        _missing("node is not installed (Debian: apt-get install nodejs npm)")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        if npm is None:
            _missing("npm is not installed to fetch oidc-provider (npm ci --prefix tests/oidc)")
        subprocess.run(
            [npm, "ci", "--prefix", str(OIDC_DIR), "--no-audit", "--no-fund", "--silent"],
            check=True,
            timeout=300,
        )
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [node, str(OIDC_DIR / "provider.mjs")],
        cwd=OIDC_DIR,
        env={
            **os.environ,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_REDIRECT_URI": f"{live_server.url}/compte/proconnect/retour/",
            "OIDC_POST_LOGOUT_REDIRECT_URI": f"{live_server.url}/compte/proconnect/deconnecte/",
        },
        stdout=subprocess.PIPE,
        stderr=log,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 20)
        line = process.stdout.readline() if ready else b""
        if not line:
            log.seek(0)
            raise RuntimeError(f"the OpenID Connect provider did not start: {log.read()!r}")
        issuer = json.loads(line)["issuer"]
        deadline = time.monotonic() + 10
        while True:
            try:
                response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
                assert response.json()["issuer"] == issuer
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        log.close()


@pytest.fixture
def proconnect(oidc_provider, settings):
    """ProConnect configured as production would be, from its three settings."""
    settings.PROCONNECT_ISSUER = oidc_provider
    settings.PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
    return oidc_provider


@pytest.fixture
def agent(demo):
    user = User.objects.get(email=AGENT)
    user.login_method = User.LoginMethod.PROCONNECT
    user.save(update_fields=["login_method"])
    return user


def _through_proconnect(page, email, *, button="S'identifier avec ProConnect"):
    """From a portal page showing the ProConnect button to the provider's return."""
    page.get_by_role("link", name=button).click()
    expect(page.get_by_role("heading", name="Fournisseur d'identité de test")).to_be_visible()
    page.get_by_label("Adresse e-mail professionnelle").fill(email)
    page.get_by_role("button", name="Continuer").click()


def test_an_agent_logs_in_with_proconnect_and_out_of_both(
    agent, live_server, page, proconnect, screenshot
):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="S'identifier avec ProConnect")).to_be_visible()
    screenshot("proconnect-01-login")

    # The provider gives the address as its directory holds it: matched lower-case.
    _through_proconnect(page, "Isabelle.Moreau@Demo.CPTS-Portal.fr")

    expect(page).to_have_url(f"{live_server.url}/instruction/")  # the reviewer's home
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_role("link", name="Instruction")).to_be_visible()
    screenshot("proconnect-02-logged-in")
    record = ExternalLogin.objects.get(user=agent)
    assert (record.acr, record.amr, record.idp_id) == ("eidas1", ["pwd"], "fi-de-test-cpts-portal")

    page.get_by_role("button", name="Se déconnecter").click()
    # The portal's session ends, then the provider's (it asks, as ProConnect's FI may).
    expect(page.get_by_text("Voulez-vous vous déconnecter de ProConnect ?")).to_be_visible()
    page.get_by_role("button", name="Oui, me déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/compte/connexion/")
    expect(page.get_by_text("Vous êtes déconnecté du portail et de ProConnect.")).to_be_visible()
    screenshot("proconnect-03-logged-out")

    # The provider's session is over too: it asks who you are again.
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    expect(page.get_by_label("Adresse e-mail professionnelle")).to_be_visible()


def test_a_wrong_state_is_refused_and_a_state_serves_once(
    agent, live_server, page, proconnect, screenshot
):
    returns = []  # the provider's redirects back to the portal, as the browser followed them
    page.on("request", lambda request: CALLBACK.match(request.url) and returns.append(request.url))
    page.goto(f"{live_server.url}/compte/connexion/")
    _through_proconnect(page, AGENT)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    (genuine,) = returns
    assert re.search(r"[?&]code=[^&]+", genuine) and re.search(r"[?&]state=[^&]{32,}", genuine)

    page.goto(re.sub(r"state=[^&]+", "state=" + "x" * 43, genuine))

    expect(page.get_by_role("heading", name="Connexion avec ProConnect refusée")).to_be_visible()
    expect(page.get_by_text("paramètre « state » inconnu ou déjà utilisé")).to_be_visible()
    screenshot("proconnect-04-wrong-state")

    # Replayed, the genuine return is refused too: a state serves once.
    page.goto(genuine)
    expect(page.get_by_text("paramètre « state » inconnu ou déjà utilisé")).to_be_visible()
    assert ExternalLogin.objects.count() == 1


def test_an_expired_id_token_is_refused(
    agent, live_server, page, proconnect, settings, caplog, screenshot
):
    # The provider's "-expired" client receives ID tokens that expired an hour ago.
    settings.PROCONNECT_CLIENT_ID = CLIENT_ID + "-expired"
    page.goto(f"{live_server.url}/compte/connexion/")

    _through_proconnect(page, AGENT)

    expect(page.get_by_text("Le jeton d'identité reçu a expiré.")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    screenshot("proconnect-05-expired")
    assert "ProConnect login refused (expired)" in caplog.text
    assert not ExternalLogin.objects.exists()


def test_an_unknown_agent_is_told_to_ask_his_organisation_for_an_invitation(
    demo, live_server, page, proconnect, screenshot
):
    page.goto(f"{live_server.url}/compte/connexion/")

    _through_proconnect(page, "nouvel.agent@ars.sante.fr")

    expect(page.get_by_role("heading", name="Aucun compte pour cette adresse")).to_be_visible()
    expect(page.get_by_text("demandez au responsable de votre équipe")).to_be_visible()
    screenshot("proconnect-06-unknown-agent")
    assert not User.objects.filter(email="nouvel.agent@ars.sante.fr").exists()
    page.get_by_role("link", name="Revenir à la page de connexion").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


def test_an_account_restricted_to_password_is_refused(demo, live_server, page, proconnect):
    page.goto(f"{live_server.url}/compte/connexion/")

    _through_proconnect(page, "claire.martin@demo.cpts-portal.fr")  # CPTS coordinator

    expect(page.get_by_text("pas avec ProConnect")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)


def test_an_invited_agent_joins_his_team_with_proconnect(
    demo, live_server, page, proconnect, screenshot
):
    links = []
    services.invitation_create(
        organisation=Organisation.objects.get(slug="ars-dd-34"),
        email="nouvel.agent@ars.sante.fr",
        role=Membership.Role.REVIEWER,
        by=User.objects.get(email=AGENT),
        build_url=lambda token: links.append(f"{live_server.url}/compte/invitation/{token}/")
        or links[-1],
    )
    page.goto(links[0])
    expect(page.get_by_role("link", name="Rejoindre avec ProConnect")).to_be_visible()
    screenshot("proconnect-07-invitation")

    _through_proconnect(page, "nouvel.agent@ars.sante.fr", button="Rejoindre avec ProConnect")

    expect(page.get_by_text("Bienvenue ! Vous avez rejoint")).to_be_visible()
    expect(page.get_by_role("link", name="Instruction")).to_be_visible()
    user = User.objects.get(email="nouvel.agent@ars.sante.fr")
    assert (user.first_name, user.last_name, user.login_method) == (
        "Nouvel",
        "Agent",
        User.LoginMethod.PROCONNECT,
    )
    assert not user.has_usable_password()
