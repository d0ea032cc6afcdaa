"""ProConnect login (accounts/proconnect.py): who comes in, and the checks of every token.

The provider here is a fake at the HTTP client's level (requests.get/post): it answers the
discovery, JWKS, token and UserInfo requests with tokens it signs, and lets each test tamper
with them. The real protocol against a real provider is in tests/e2e/test_proconnect.py.
"""

import base64
import hashlib
import html
import json
import logging
import re
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from django.utils import timezone

from accounts.models import ExternalLogin, Invitation, Membership, User
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

ISSUER = "https://proconnect.test/api/v2"
CLIENT_ID = "cpts-portal"
CLIENT_SECRET = "secret-de-test-proconnect-0123456789abcdef"
AGENT = "isabelle.moreau@demo.cpts-portal.fr"  # ARS DD 34, reviewer and team manager
SECURITY = "cpts_portal.security"


def _response(url, status=200, *, json_body=None, text=None, content_type=None):
    response = requests.Response()
    response.url = url
    response.status_code = status
    if json_body is not None:
        response._content = json.dumps(json_body).encode()
        response.headers["content-type"] = content_type or "application/json"
    else:
        response._content = (text or "").encode()
        response.headers["content-type"] = content_type or "text/plain"
    return response


class FakeProvider:
    """ProConnect as the portal's HTTP client sees it; `id_claims`, `userinfo_claims`,
    `id_token_key` … let a test change what it answers."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": "cle-1", "use": "sig", "alg": "RS256"}]}
        self.email = AGENT
        self.id_claims = {}  # overrides of the ID token's claims
        self.userinfo_claims = {}  # overrides of the UserInfo's claims
        self.id_token_key = self.key
        self.id_token_alg = "RS256"
        self.userinfo_key = self.key
        self.kid = "cle-1"  # the `kid` of the tokens it signs (None: no `kid`)
        self.discovery_up = True
        self.jwks_up = True
        self.jwks_requests = 0
        self.token_status = 200
        self.authorization = None  # the query of the last authorization request
        self.token_requests = []

    def authorize(self, location):
        self.authorization = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        return self.authorization

    def _sign(self, claims, key, alg="RS256"):
        headers = {"kid": self.kid} if self.kid is not None else {}
        if alg.startswith("HS"):
            return jwt.encode(claims, CLIENT_SECRET, algorithm=alg, headers=headers)
        return jwt.encode(claims, key, algorithm=alg, headers=headers)

    def rotate(self, kid, *, publish=True):
        """Sign from now on with a new key named `kid`; `publish`: the JWKS offers it (alone)."""
        self.kid = kid
        self.id_token_key = self.userinfo_key = self.other_key
        if publish:
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.other_key.public_key()))
            self.jwks = {"keys": [{**jwk, "kid": kid, "use": "sig", "alg": "RS256"}]}

    def sub(self):
        return hashlib.sha256(self.email.strip().lower().encode()).hexdigest()

    def id_token(self):
        now = int(timezone.now().timestamp())
        claims = {
            "iss": ISSUER,
            "sub": self.sub(),
            "aud": CLIENT_ID,
            "exp": now + 60,
            "iat": now,
            "auth_time": now,
            "nonce": self.authorization["nonce"],
            "acr": "eidas1",
            "amr": ["pwd", "mfa"],
            "idp_id": "fi-ars",
        }
        claims.update(self.id_claims)
        claims = {k: v for k, v in claims.items() if v is not None}
        return self._sign(claims, self.id_token_key, self.id_token_alg)

    def userinfo(self):
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": self.sub(),
            "email": self.email,
            "given_name": "Isabelle",
            "usual_name": "Moreau",
            "uid": "imoreau",
            "siret": "13002526500013",
            "idp_id": "fi-ars",
        }
        claims.update(self.userinfo_claims)
        claims = {k: v for k, v in claims.items() if v is not None}
        return self._sign(claims, self.userinfo_key)

    # requests.get / requests.post
    def get(self, url, **kwargs):
        if url == ISSUER + "/.well-known/openid-configuration":
            if not self.discovery_up:
                raise requests.ConnectionError("connection refused")
            return _response(
                url,
                json_body={
                    "issuer": ISSUER,
                    "authorization_endpoint": ISSUER + "/authorize",
                    "token_endpoint": ISSUER + "/token",
                    "userinfo_endpoint": ISSUER + "/userinfo",
                    "jwks_uri": ISSUER + "/jwks",
                    "end_session_endpoint": ISSUER + "/session/end",
                },
            )
        if url == ISSUER + "/jwks":
            self.jwks_requests += 1
            if not self.jwks_up:
                raise requests.ConnectionError("connection refused")
            return _response(url, json_body=self.jwks)
        if url == ISSUER + "/userinfo":
            assert kwargs["headers"]["Authorization"] == "Bearer jeton-d-acces"
            return _response(url, text=self.userinfo(), content_type="application/jwt")
        raise AssertionError(f"unexpected GET {url}")

    def post(self, url, data=None, **kwargs):
        assert url == ISSUER + "/token", url
        self.token_requests.append(data)
        verifier = data.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            self.token_status != 200
            or data["code"] != "code-1"
            or challenge != self.authorization["code_challenge"]
            or data["client_secret"] != CLIENT_SECRET
        ):
            return _response(url, 400, json_body={"error": "invalid_grant"})
        return _response(
            url,
            json_body={
                "access_token": "jeton-d-acces",
                "token_type": "Bearer",
                "expires_in": 60,
                "id_token": self.id_token(),
            },
        )


@pytest.fixture
def op(settings, monkeypatch):
    settings.PROCONNECT_ISSUER = ISSUER
    settings.PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
    provider = FakeProvider()
    monkeypatch.setattr(requests, "get", provider.get)
    monkeypatch.setattr(requests, "post", provider.post)
    return provider


@pytest.fixture
def agent(demo):
    user = demo["users"]["isabelle.moreau"]
    user.login_method = User.LoginMethod.PROCONNECT
    user.save(update_fields=["login_method"])
    return user


def start(client, op, query=""):
    response = client.get(reverse("accounts:proconnect-login") + query)
    assert response.status_code == 302, response.content.decode()[:500]
    op.authorize(response.url)
    return response


def come_back(client, op, **params):
    query = {"code": "code-1", "state": op.authorization["state"], **params}
    return client.get(reverse("accounts:proconnect-callback"), query)


def logged_in_user(client):
    return client.session.get("_auth_user_id")


# --- The login page --------------------------------------------------------------------------


def test_without_the_variables_the_login_page_has_no_proconnect_button(demo, client, settings):
    settings.PROCONNECT_ISSUER = ""
    settings.PROCONNECT_CLIENT_ID = ""
    settings.PROCONNECT_CLIENT_SECRET = ""

    content = client.get(reverse("accounts:login")).content.decode()

    assert "ProConnect" not in content
    assert client.get(reverse("accounts:proconnect-login")).status_code == 404
    assert client.get(reverse("accounts:proconnect-callback")).status_code == 404


@pytest.mark.parametrize("missing", ["PROCONNECT_ISSUER", "PROCONNECT_CLIENT_SECRET"])
def test_one_variable_missing_is_as_none_set(demo, client, op, settings, missing):
    setattr(settings, missing, "")

    assert "ProConnect" not in client.get(reverse("accounts:login")).content.decode()


def test_with_the_variables_the_login_page_offers_proconnect(demo, client, op):
    content = client.get(reverse("accounts:login") + "?next=/instruction/").content.decode()

    assert "S'identifier avec</span>" in content
    assert reverse("accounts:proconnect-login") + "?next=/instruction/" in content
    assert "Qu'est-ce que ProConnect ?" in content


def test_the_button_sends_to_the_provider_with_state_nonce_and_pkce(demo, client, op):
    response = start(client, op)

    query = op.authorization
    assert response.url.startswith(ISSUER + "/authorize?")
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == "http://testserver/compte/proconnect/retour/"
    assert query["scope"] == "openid email given_name usual_name uid siret idp_id"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert json.loads(query["claims"]) == {
        "id_token": {"acr": {"essential": True}, "amr": {"essential": True}}
    }


def test_the_provider_down_gives_a_french_page(demo, client, op, caplog):
    op.discovery_up = False

    with caplog.at_level(logging.WARNING, logger=SECURITY):
        response = client.get(reverse("accounts:proconnect-login"))

    assert response.status_code == 503
    assert "ProConnect ne répond pas pour le moment" in response.content.decode()
    assert "unavailable" in caplog.text


# --- Who comes in ----------------------------------------------------------------------------


def test_a_known_agent_comes_in_matched_by_his_normalised_email(agent, client, op, caplog):
    op.email = "  Isabelle.MOREAU@Demo.CPTS-Portal.fr "
    start(client, op, "?next=/instruction/")

    with caplog.at_level(logging.INFO, logger=SECURITY):
        response = come_back(client, op)

    assert response.status_code == 302 and response.url == "/instruction/"
    assert logged_in_user(client) == str(agent.pk)
    assert client.session["_auth_user_backend"] == "accounts.proconnect.ProConnectBackend"
    assert client.session["proconnect_id_token"].count(".") == 2
    record = ExternalLogin.objects.get(user=agent)
    assert (record.acr, record.amr, record.idp_id, record.siret) == (
        "eidas1",
        ["pwd", "mfa"],
        "fi-ars",
        "13002526500013",
    )
    assert record.subject == op.sub()
    assert "ProConnect login of isabelle.moreau@demo.cpts-portal.fr" in caplog.text
    assert "acr=eidas1 amr=pwd,mfa" in caplog.text
    # The token exchange carried the PKCE verifier and the redirect_uri.
    assert op.token_requests[0]["code_verifier"]
    assert op.token_requests[0]["redirect_uri"] == "http://testserver/compte/proconnect/retour/"
    # The session stays valid on the next request.
    assert client.get("/instruction/").status_code == 200


def test_an_unknown_agent_is_not_created_and_told_to_ask_for_an_invitation(
    demo, client, op, caplog
):
    op.email = "nouvel.agent@ars.sante.fr"
    start(client, op)
    count = User.objects.count()

    with caplog.at_level(logging.WARNING, logger=SECURITY):
        response = come_back(client, op)

    content = response.content.decode()
    assert response.status_code == 403
    assert "Aucun compte du portail ne correspond à l&#x27;adresse nouvel.agent@ars.sante.fr" in (
        content
    )
    assert "vous inviter depuis la page « Équipe »" in content
    assert User.objects.count() == count
    assert logged_in_user(client) is None
    assert "refused (unknown) for nouvel.agent@ars.sante.fr" in caplog.text


def test_an_account_restricted_to_password_is_refused(demo, client, op, caplog):
    op.email = "claire.martin@demo.cpts-portal.fr"  # CPTS coordinator: e-mail and password
    start(client, op)

    with caplog.at_level(logging.WARNING, logger=SECURITY):
        response = come_back(client, op)

    assert response.status_code == 403
    assert "se connecte avec son adresse e-mail et son mot de passe, pas avec ProConnect" in (
        response.content.decode()
    )
    assert logged_in_user(client) is None
    assert "refused (password_only)" in caplog.text


def test_an_inactive_account_is_refused(agent, client, op):
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    start(client, op)

    response = come_back(client, op)

    assert response.status_code == 403
    assert "est désactivé" in response.content.decode()


def test_an_account_allowed_both_ways_uses_both(demo, client, op):
    user = demo["users"]["marie.chevalier"]  # CPAM reviewer
    user.login_method = User.LoginMethod.BOTH
    user.save(update_fields=["login_method"])
    op.email = user.email
    start(client, op)

    assert come_back(client, op).status_code == 302
    assert logged_in_user(client) == str(user.pk)

    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert logged_in_user(client) == str(user.pk)


def test_a_missing_or_unverified_email_is_refused(agent, client, op):
    op.userinfo_claims = {"email_verified": False}
    start(client, op)

    response = come_back(client, op)

    assert response.status_code == 403
    assert "pas transmis d&#x27;adresse e-mail vérifiée" in response.content.decode()


def test_withdrawing_proconnect_ends_the_sessions_it_opened(agent, client, op):
    start(client, op)
    come_back(client, op)
    assert client.get("/instruction/").status_code == 200

    agent.login_method = User.LoginMethod.PASSWORD
    agent.save(update_fields=["login_method"])

    assert client.get("/instruction/").status_code == 302  # to the login page


# --- The password login and the restriction --------------------------------------------------


def test_the_password_login_refuses_an_account_restricted_to_proconnect(agent, client):
    response = client.post(
        reverse("accounts:login"), {"username": agent.email, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 200
    assert "Ce compte se connecte avec ProConnect, pas avec un mot de passe" in (
        response.content.decode()
    )
    assert logged_in_user(client) is None


def test_a_wrong_password_reveals_nothing_of_the_restriction(agent, client):
    response = client.post(reverse("accounts:login"), {"username": agent.email, "password": "x"})

    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert "ProConnect, pas avec un mot de passe" not in response.content.decode()


def test_the_admin_login_refuses_an_account_restricted_to_proconnect(demo, client):
    admin = demo["users"]["admin"]
    admin.login_method = User.LoginMethod.PROCONNECT
    admin.save(update_fields=["login_method"])

    response = client.post(
        reverse("admin:login"), {"username": admin.email, "password": DEMO_PASSWORD}
    )

    assert "Ce compte se connecte avec ProConnect" in response.content.decode()
    assert logged_in_user(client) is None


def test_the_login_method_is_edited_in_the_admin(demo, login):
    client = login(demo["users"]["admin"])
    user = demo["users"]["philippe.girard"]

    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()

    assert 'name="login_method"' in page
    assert "seulement si un administrateur l'autorise" in page
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:accounts_externallogin_changelist")).status_code == 200


# --- Tampered, expired, replayed -------------------------------------------------------------


def _other_key_signs(op):
    op.id_token_key = op.other_key


def _another_audience(op):
    op.id_claims = {"aud": "un-autre-service"}


def _several_audiences_without_azp(op):
    op.id_claims = {"aud": [CLIENT_ID, "un-autre-service"]}


def _another_nonce(op):
    op.id_claims = {"nonce": "n" * 32}


def _no_nonce(op):
    op.id_claims = {"nonce": None}


def _another_issuer(op):
    op.id_claims = {"iss": "https://faux-proconnect.test"}


def _expired(op):
    now = int(timezone.now().timestamp())
    op.id_claims = {"iat": now - 7200, "exp": now - 3600}


def _issued_in_the_future(op):
    now = int(timezone.now().timestamp())
    op.id_claims = {"iat": now + 3600, "exp": now + 7200}


def _no_expiry(op):
    op.id_claims = {"exp": None}


def _signed_with_the_client_secret(op):
    op.id_token_alg = "HS256"


def _userinfo_of_someone_else(op):
    op.userinfo_claims = {"sub": "quelqu-un-d-autre"}


def _userinfo_signed_by_another_key(op):
    op.userinfo_key = op.other_key


def _userinfo_for_another_service(op):
    op.userinfo_claims = {"aud": "un-autre-service"}


@pytest.mark.parametrize(
    ("tamper", "code", "message"),
    [
        (_other_key_signs, "signature", "ne porte pas une signature valide de ProConnect"),
        (_signed_with_the_client_secret, "signature", "signature valide de ProConnect"),
        (_another_audience, "audience", "destiné à un autre service que ce portail"),
        (_several_audiences_without_azp, "audience", "destiné à un autre service"),
        (_another_nonce, "nonce", "ne correspond pas à cette connexion"),
        (_no_nonce, "nonce", "ne correspond pas à cette connexion"),
        (_another_issuer, "issuer", "n&#x27;a pas été émis par ProConnect"),
        (_expired, "expired", "Le jeton d&#x27;identité reçu a expiré"),
        (_issued_in_the_future, "token", "Le jeton d&#x27;identité reçu est invalide"),
        (_no_expiry, "token", "Le jeton d&#x27;identité reçu est invalide"),
        (_userinfo_of_someone_else, "userinfo", "n&#x27;ont pas pu être vérifiées"),
        (_userinfo_signed_by_another_key, "userinfo", "n&#x27;ont pas pu être vérifiées"),
        (_userinfo_for_another_service, "userinfo", "n&#x27;ont pas pu être vérifiées"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_a_tampered_token_is_refused_in_french_and_logged(
    agent, client, op, caplog, tamper, code, message
):
    start(client, op)
    tamper(op)

    with caplog.at_level(logging.WARNING, logger=SECURITY):
        response = come_back(client, op)

    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Connexion avec ProConnect refusée" in content
    assert logged_in_user(client) is None
    assert not ExternalLogin.objects.exists()
    assert f"ProConnect login refused ({code})" in caplog.text


def test_a_wrong_state_is_refused(agent, client, op, caplog):
    start(client, op)

    with caplog.at_level(logging.WARNING, logger=SECURITY):
        response = come_back(client, op, state="s" * 32)

    assert response.status_code == 400
    assert "paramètre « state » inconnu ou déjà utilisé" in response.content.decode()
    assert "refused (state)" in caplog.text
    assert op.token_requests == []  # the code never reached the provider


def test_a_state_serves_once(agent, client, op):
    start(client, op)
    assert come_back(client, op).status_code == 302
    client.logout()

    response = come_back(client, op)

    assert response.status_code == 400
    assert "déjà utilisé" in response.content.decode()


def test_a_state_from_another_browser_is_refused(agent, client, op, django_user_model):
    from django.test import Client

    start(client, op)

    response = Client().get(
        reverse("accounts:proconnect-callback"),
        {"code": "code-1", "state": op.authorization["state"]},
    )

    assert response.status_code == 400


def test_a_code_the_provider_refuses_is_refused(agent, client, op):
    start(client, op)
    op.token_status = 400

    response = come_back(client, op)

    assert response.status_code == 400
    assert "code d&#x27;autorisation invalide, expiré ou déjà utilisé" in response.content.decode()


def test_an_error_from_the_provider_is_explained(agent, client, op):
    start(client, op)

    response = client.get(
        reverse("accounts:proconnect-callback"),
        {"error": "access_denied", "state": op.authorization["state"]},
    )

    assert response.status_code == 400
    assert "interrompue chez ProConnect" in response.content.decode()
    # The state of an interrupted login cannot serve again.
    assert come_back(client, op).status_code == 400


def test_a_callback_without_code_is_refused(agent, client, op):
    response = client.get(reverse("accounts:proconnect-callback"))

    assert response.status_code == 400
    assert "n&#x27;a pas renvoyé les informations attendues" in response.content.decode()


def test_a_password_login_never_reaches_the_provider(agent, client, op):
    # A forged ?code=&state= on the login page: the ProConnect backend answers no one.
    response = client.post(
        reverse("accounts:login") + "?code=code-1&state=x",
        {"username": agent.email, "password": "x"},
    )

    assert response.status_code == 200
    assert op.token_requests == []


# --- The provider's keys (its JWKS), kept in the cache ----------------------------------------


def log_in_again(client, op):
    client.logout()
    start(client, op)
    return come_back(client, op)


def logged_out_after_a_login(client, op):
    start(client, op)
    come_back(client, op)
    client.logout()


def come_back_watched(client, op, caplog):
    """A login's return from ProConnect, the security log recorded."""
    start(client, op)
    with caplog.at_level(logging.WARNING, logger=SECURITY):
        return come_back(client, op)


@pytest.mark.parametrize("endpoint_down", [False, True], ids=["up", "down"])
def test_two_logins_in_a_row_read_the_jwks_once(agent, client, op, endpoint_down):
    """The ID token and the UserInfo of both logins: one read of the JWKS; with the keys
    kept, an outage of the JWKS endpoint refuses nobody."""
    start(client, op)
    assert come_back(client, op).status_code == 302
    op.jwks_up = not endpoint_down

    response = log_in_again(client, op)

    assert response.status_code == 302
    assert logged_in_user(client) == str(agent.pk)
    assert op.jwks_requests == 1


def test_a_key_rotation_reads_the_jwks_again_once_and_logs_in(agent, client, op):
    start(client, op)
    come_back(client, op)
    op.rotate("cle-2")  # the provider signs with a new key, the only one of its JWKS

    response = log_in_again(client, op)

    assert response.status_code == 302
    assert logged_in_user(client) == str(agent.pk)
    assert op.jwks_requests == 2  # the cached set lacked cle-2: read once more
    # The new set is kept: the next login reads nothing.
    assert log_in_again(client, op).status_code == 302
    assert op.jwks_requests == 2
    assert ExternalLogin.objects.filter(user=agent).count() == 3


@pytest.mark.parametrize(("warm", "reads"), [(True, 2), (False, 1)], ids=["warm", "cold"])
def test_a_key_in_neither_the_cached_nor_the_fresh_jwks_is_refused(
    agent, client, op, caplog, warm, reads
):
    if warm:
        logged_out_after_a_login(client, op)
    op.rotate("cle-inconnue", publish=False)  # signed with a key the JWKS does not offer

    response = come_back_watched(client, op, caplog)

    assert response.status_code == 400
    assert "ne porte pas une signature valide de ProConnect" in response.content.decode()
    assert logged_in_user(client) is None
    assert ExternalLogin.objects.filter(user=agent).count() == int(warm)
    assert "ProConnect login refused (signature)" in caplog.text
    # One more read when the cached set lacks the key, none after a set just read.
    assert op.jwks_requests == reads


@pytest.mark.parametrize("warm", [False, True], ids=["cold-cache", "rotation"])
def test_the_jwks_endpoint_down_when_the_key_is_needed_is_unavailable(
    agent, client, op, caplog, warm
):
    if warm:
        logged_out_after_a_login(client, op)
        op.rotate("cle-2")
    op.jwks_up = False

    response = come_back_watched(client, op, caplog)

    assert response.status_code == 503
    assert "ProConnect ne répond pas pour le moment" in response.content.decode()
    assert logged_in_user(client) is None
    assert "ProConnect login refused (unavailable)" in caplog.text
    # Nothing of the failed read is kept: once the endpoint is back, the login works.
    op.jwks_up = True
    assert log_in_again(client, op).status_code == 302
    assert logged_in_user(client) == str(agent.pk)


@pytest.mark.parametrize(("verify_kid", "status"), [(True, 400), (False, 302)])
def test_a_token_without_kid_is_matched_as_mozilla_django_oidc_does(
    agent, client, op, settings, verify_kid, status
):
    settings.OIDC_VERIFY_KID = verify_kid
    op.kid = None
    start(client, op)

    assert come_back(client, op).status_code == status


def test_the_key_matched_has_the_kid_and_the_alg_of_the_token():
    from accounts.proconnect import matching_jwk

    jwks = {
        "keys": [
            {"kty": "RSA", "kid": "a", "alg": "RS256", "n": "1"},
            {"kty": "RSA", "kid": "b", "alg": "ES256", "n": "2"},
            {"kty": "RSA", "kid": "b", "n": "3"},
            "pas une clé",
        ]
    }

    assert matching_jwk(jwks, {"kid": "a", "alg": "RS256"})["n"] == "1"
    assert matching_jwk(jwks, {"kid": "b", "alg": "RS256"})["n"] == "3"
    assert matching_jwk(jwks, {"kid": "a", "alg": "ES256"}) is None
    assert matching_jwk(jwks, {"kid": "c", "alg": "RS256"}) is None
    assert matching_jwk(jwks, {"alg": "ES256"}, verify_kid=False)["n"] == "3"  # the last one
    with pytest.raises(KeyError):
        matching_jwk(jwks, {"alg": "RS256"})


# --- Logout ---------------------------------------------------------------------------------


def test_logout_ends_the_provider_session_too(agent, client, op):
    start(client, op)
    come_back(client, op)
    id_token = client.session["proconnect_id_token"]

    response = client.post(reverse("accounts:logout"))

    # A page that goes on to the provider (a form's redirect out would break the CSP).
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vous êtes déconnecté du portail" in content
    target = html.unescape(re.search(r'content="0; url=([^"]+)"', content).group(1))
    assert f'href="{html.escape(target)}"' in content.replace("&#x27;", "'")
    url = urlsplit(target)
    assert f"{url.scheme}://{url.netloc}{url.path}" == ISSUER + "/session/end"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["id_token_hint"] == id_token
    assert query["post_logout_redirect_uri"] == "http://testserver/compte/proconnect/deconnecte/"
    assert len(query["state"]) >= 32
    assert logged_in_user(client) is None

    back = client.get(reverse("accounts:proconnect-logout-return"), {"state": query["state"]})

    assert back.status_code == 302 and back.url == reverse("accounts:login")
    page = client.get(back.url).content.decode()
    assert "Vous êtes déconnecté du portail et de ProConnect." in page


def test_a_logout_return_with_another_state_says_nothing(agent, client, op):
    start(client, op)
    come_back(client, op)
    client.post(reverse("accounts:logout"))

    back = client.get(reverse("accounts:proconnect-logout-return"), {"state": "autre"})

    assert back.url == reverse("accounts:login")
    assert "déconnecté du portail et de ProConnect" not in client.get(back.url).content.decode()


def test_a_password_session_logs_out_as_before(demo, client, op, login):
    login(demo["users"]["claire.martin"])

    response = client.post(reverse("accounts:logout"))

    assert response.url == reverse("accounts:login")


def test_logout_when_the_provider_is_down_still_ends_the_portal_session(agent, client, op):
    start(client, op)
    come_back(client, op)
    op.discovery_up = False
    from django.core.cache import cache

    cache.clear()

    response = client.post(reverse("accounts:logout"), follow=True)

    assert logged_in_user(client) is None
    assert "ProConnect n&#x27;a pas pu être joint" in response.content.decode()


# --- Joining a team with ProConnect ---------------------------------------------------------


def _invite(demo, slug, email, role):
    import secrets

    from accounts.services import _hash

    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        organisation=demo["organisations"][slug],
        email=email,
        role=role,
        token_hash=_hash(token),
        sent_at=timezone.now(),
        expires_at=timezone.now() + timezone.timedelta(days=7),
    )
    return token


def test_an_invited_agent_joins_with_proconnect_without_a_password(demo, client, op):
    token = _invite(demo, "ars-dd-34", "nouvel.agent@ars.sante.fr", Membership.Role.REVIEWER)
    page = client.get(reverse("accounts:invitation-accept", args=[token])).content.decode()
    assert "Rejoindre avec" in page
    op.email = "Nouvel.Agent@ars.sante.fr"

    start(client, op, f"?invitation={token}")
    response = come_back(client, op)

    assert response.status_code == 302
    user = User.objects.get(email="nouvel.agent@ars.sante.fr")
    assert logged_in_user(client) == str(user.pk)
    assert user.login_method == User.LoginMethod.PROCONNECT
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Isabelle", "Moreau")  # the claims' names
    assert user.memberships.get().organisation.slug == "ars-dd-34"
    assert ExternalLogin.objects.filter(user=user).exists()
    assert "Vous avez rejoint" in client.get(response.url, follow=True).content.decode()


def test_an_invitation_to_another_address_is_refused(demo, client, op):
    token = _invite(demo, "ars-dd-34", "nouvel.agent@ars.sante.fr", Membership.Role.REVIEWER)
    op.email = "quelqu.un@ars.sante.fr"

    start(client, op, f"?invitation={token}")
    response = come_back(client, op)

    assert response.status_code == 403
    # The address is masked: whoever holds the link is not its addressee.
    assert "Cette invitation a été adressée à n***@ars.sante.fr" in response.content.decode()
    assert "nouvel.agent@ars.sante.fr" not in response.content.decode()
    assert not User.objects.filter(email__in=["nouvel.agent@ars.sante.fr"]).exists()


def test_a_cpts_invitation_offers_no_proconnect(demo, client, op):
    token = _invite(demo, "cpts-pic-saint-loup", "nouveau@exemple.fr", Membership.Role.MEMBER)

    page = client.get(reverse("accounts:invitation-accept", args=[token])).content.decode()

    assert "ProConnect" not in page
