"""ProConnect: the State's OpenID Connect federation, through which public agents (ARS, CPAM,
URPS…) log in without one more password.

mozilla-django-oidc makes the protocol's moves: `state`, `nonce` and the PKCE verifier kept in
the session (its request view), the code exchanged at the token endpoint, the provider's key
found in its JWKS. This module adds what ProConnect and the portal need:
- the configuration comes only from the environment (`PROCONNECT_ISSUER`, `_CLIENT_ID`,
  `_CLIENT_SECRET`); without the three, ProConnect does not exist for the portal;
- the endpoints come from the issuer's discovery document, fetched when first needed and
  cached: the portal starts, and password logins work, while ProConnect is down;
- the provider's signing keys (its JWKS) are cached too, and read again at once when a token
  names a key the cached set lacks (the provider rotated its keys);
- the ID token is checked strictly (signature, issuer, audience, expiry, nonce), and so is the
  UserInfo, a signed JWT at ProConnect (signature, issuer, audience, same subject);
- who comes in: the existing account whose e-mail is the verified one (lower-case, trimmed) and
  whose `login_method` allows ProConnect. Nobody is created, but the person a pending
  invitation was addressed to, when he accepts it with ProConnect;
- every refusal has a French message for the person and a line on the `cpts_portal.security`
  log; every login records the `acr`/`amr` the provider returned (`ExternalLogin`).
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import smart_str
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services
from .models import ExternalLogin, User, normalise_email

SECURITY_LOG = logging.getLogger("cpts_portal.security")
BACKEND = "accounts.proconnect.ProConnectBackend"
PROVIDER = "proconnect"
# Session keys (mozilla-django-oidc keeps its own: oidc_states, oidc_login_next).
SESSION_ID_TOKEN = "proconnect_id_token"  # noqa: S105 - a session key, not a secret
SESSION_INVITATION = "proconnect_invitation"
SESSION_LOGOUT_STATE = "proconnect_logout_state"
METADATA_CACHE_SECONDS = 3600
# How long the provider's JWKS is kept: within it a login makes no round trip for the keys and
# survives an outage of the JWKS endpoint. A token signed with a key the kept set lacks (a key
# rotation) has the set read again at once, so this only bounds how long a key the provider
# withdrew is still accepted.
JWKS_CACHE_SECONDS = 3600
# Clock skew tolerated between the portal and the provider when checking exp and iat.
LEEWAY_SECONDS = 60
# ProConnect returns `amr` only when asked through the `claims` parameter; `acr` always.
CLAIMS_REQUEST = {"id_token": {"acr": {"essential": True}, "amr": {"essential": True}}}


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    client_secret: str
    sign_algo: str
    timeout: float


def configuration() -> Config | None:
    """ProConnect's configuration, or None when the environment does not give all of it."""
    issuer = settings.PROCONNECT_ISSUER.strip().rstrip("/")
    if not (issuer and settings.PROCONNECT_CLIENT_ID and settings.PROCONNECT_CLIENT_SECRET):
        return None
    return Config(
        issuer=issuer,
        client_id=settings.PROCONNECT_CLIENT_ID,
        client_secret=settings.PROCONNECT_CLIENT_SECRET,
        sign_algo=settings.PROCONNECT_SIGN_ALGO,
        timeout=settings.PROCONNECT_TIMEOUT,
    )


def is_enabled() -> bool:
    return configuration() is not None


# --- Refusals ------------------------------------------------------------------------------

_AGAIN = "Recommencez la connexion depuis la page de connexion du portail."
_SECURITY = "Par sécurité, la connexion est refusée. " + _AGAIN
REFUSED = "Connexion avec ProConnect refusée"
# code -> (title, French message for the person, HTTP status)
REFUSALS = {
    "state": (
        REFUSED,
        "Ce retour de ProConnect ne correspond à aucune connexion en cours dans ce navigateur "
        "(paramètre « state » inconnu ou déjà utilisé). " + _AGAIN,
        400,
    ),
    "incomplete": (
        "Connexion avec ProConnect interrompue",
        "ProConnect n'a pas renvoyé les informations attendues. " + _AGAIN,
        400,
    ),
    "provider_error": (
        "Connexion avec ProConnect interrompue",
        "La connexion a été interrompue chez ProConnect (annulée ou refusée). " + _AGAIN,
        400,
    ),
    "code": (
        REFUSED,
        "ProConnect n'a pas confirmé cette connexion (code d'autorisation invalide, expiré ou "
        "déjà utilisé). " + _AGAIN,
        400,
    ),
    "signature": (
        REFUSED,
        "Le jeton d'identité reçu ne porte pas une signature valide de ProConnect. " + _SECURITY,
        400,
    ),
    "audience": (
        REFUSED,
        "Le jeton d'identité reçu est destiné à un autre service que ce portail. " + _SECURITY,
        400,
    ),
    "issuer": (
        REFUSED,
        "Le jeton d'identité reçu n'a pas été émis par ProConnect. " + _SECURITY,
        400,
    ),
    "expired": (
        REFUSED,
        "Le jeton d'identité reçu a expiré. " + _AGAIN,
        400,
    ),
    "nonce": (
        REFUSED,
        "Le jeton d'identité reçu ne correspond pas à cette connexion (« nonce » différent) : "
        "il a pu être rejoué. " + _SECURITY,
        400,
    ),
    "token": (
        REFUSED,
        "Le jeton d'identité reçu est invalide. " + _SECURITY,
        400,
    ),
    "userinfo": (
        REFUSED,
        "Les informations d'identité renvoyées par ProConnect n'ont pas pu être vérifiées. "
        + _SECURITY,
        400,
    ),
    "no_email": (
        REFUSED,
        "ProConnect n'a pas transmis d'adresse e-mail vérifiée : le portail ne peut pas vous "
        "reconnaître.",
        403,
    ),
    "unknown": (
        "Aucun compte pour cette adresse",
        "Aucun compte du portail ne correspond à l'adresse {email}. Les agents accèdent au "
        "portail sur invitation : demandez au responsable de votre équipe (ARS, Assurance "
        "Maladie, URPS…) de vous inviter depuis la page « Équipe » du portail, puis ouvrez le "
        "lien reçu par e-mail et choisissez « Rejoindre avec ProConnect ».",
        403,
    ),
    "password_only": (
        "ProConnect n'est pas ouvert pour ce compte",
        "Le compte {email} se connecte avec son adresse e-mail et son mot de passe, pas avec "
        "ProConnect. Un administrateur du portail peut y autoriser ProConnect.",
        403,
    ),
    "inactive": (
        "Compte désactivé",
        "Le compte {email} est désactivé. Adressez-vous au responsable de votre équipe.",
        403,
    ),
    "ambiguous": (
        REFUSED,
        "Plusieurs comptes du portail portent l'adresse {email} : un administrateur doit les "
        "réunir avant que vous puissiez vous connecter.",
        403,
    ),
    "invitation": (
        "Invitation impossible à accepter",
        "{detail}",
        403,
    ),
    "unavailable": (
        "ProConnect est indisponible",
        "ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes.",
        503,
    ),
}


class Refusal(Exception):
    """A ProConnect login refused; `message` is French, for the person."""

    def __init__(self, code: str, detail: str = "", *, email: str = "", subject: str = ""):
        self.code = code
        self.detail = detail  # for the log (and the message of an invitation refusal)
        self.email = email
        self.subject = subject
        title, message, self.status = REFUSALS[code]
        self.title = title
        self.message = message.format(email=email or "transmise", detail=detail)
        super().__init__(f"{code}: {detail}" if detail else code)


def _printable(text) -> str:
    """One log line: what came from the request or the provider cannot forge another."""
    return "".join(c if c.isprintable() else "?" for c in str(text))[:300] or "-"


def log_refusal(request, refusal: Refusal) -> None:
    SECURITY_LOG.warning(
        "ProConnect login refused (%s) for %s sub=%s from %s: %s",
        refusal.code,
        _printable(refusal.email),
        _printable(refusal.subject),
        request.META.get("REMOTE_ADDR", "-"),
        _printable(refusal.detail or refusal.title),
    )


# --- Discovery -----------------------------------------------------------------------------


def provider_metadata(config: Config) -> dict:
    """The issuer's discovery document (cached); Refusal("unavailable") when it cannot be
    read or is not the issuer's own (OpenID Connect Discovery 1.0, section 4.3)."""
    key = "proconnect:metadata:" + hashlib.sha256(config.issuer.encode()).hexdigest()
    metadata = cache.get(key)
    if metadata is not None:
        return metadata
    url = config.issuer + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=config.timeout)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as error:
        raise Refusal("unavailable", f"discovery {url}: {error}") from error
    if not isinstance(metadata, dict) or str(metadata.get("issuer")).rstrip("/") != config.issuer:
        raise Refusal("unavailable", f"discovery {url}: issuer mismatch")
    missing = {"authorization_endpoint", "token_endpoint", "jwks_uri"} - set(metadata)
    if missing:
        raise Refusal("unavailable", f"discovery {url}: missing {sorted(missing)}")
    cache.set(key, metadata, METADATA_CACHE_SECONDS)
    return metadata


# --- Signing keys --------------------------------------------------------------------------


def matching_jwk(jwks: dict, header: dict, *, verify_kid: bool = True) -> dict | None:
    """The key of `jwks` for a token of this header, by mozilla-django-oidc's rules
    (`retrieve_matching_jwk`): the same `kid` (a token or a key without one raises KeyError;
    not compared when OIDC_VERIFY_KID is off), the same `alg` when the key names one; the last
    such key."""
    match = None
    for jwk in jwks["keys"]:
        if not isinstance(jwk, dict):
            continue  # not a key (PyJWKSet skips these too)
        if verify_kid and jwk["kid"] != smart_str(header["kid"]):
            continue
        if "alg" in jwk and jwk["alg"] != smart_str(header["alg"]):
            continue
        match = jwk
    return match


# --- The backend ---------------------------------------------------------------------------


@dataclass
class Login:
    user: User
    id_token: str
    claims: dict  # the ID token's, completed by the UserInfo's
    joined: str = ""  # the organisation joined by accepting an invitation, if any


class ProConnectBackend(OIDCAuthenticationBackend):
    """Logs in only from the callback (`complete`); in AUTHENTICATION_BACKENDS so that the
    sessions it opens stay valid. `authenticate()` never answers: a password login, or a
    forged `?code=&state=` on another page, never reaches the provider."""

    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads its endpoints from settings here; ours come from discovery,
        # when a login needs them (Django builds every backend for each password login too).
        self.UserModel = User

    def authenticate(self, request, **kwargs):
        return None

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.may_use_proconnect

    def get_user(self, user_id):
        # A session opened with ProConnect ends when the account is deactivated or an
        # administrator withdraws ProConnect (mozilla-django-oidc's get_user checks neither).
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    # -- the login, from the provider's redirect back to the portal --

    def complete(self, request, config: Config) -> Login:
        """Check the callback's state, exchange the code, verify the tokens, find the account.
        Raises Refusal."""
        self.request = request
        if request.GET.get("error"):
            self._pop_state(request, request.GET.get("state", ""))
            raise Refusal("provider_error", request.GET.get("error", "")[:100])
        code, state = request.GET.get("code"), request.GET.get("state")
        if not code or not state:
            raise Refusal("incomplete", "no code or no state")
        flow = self._pop_state(request, state)
        if flow is None:
            raise Refusal("state", "state not found in the session")
        self._configure(config, provider_metadata(config))
        payload = {
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.build_absolute_uri(reverse("accounts:proconnect-callback")),
        }
        if flow.get("code_verifier"):
            payload["code_verifier"] = flow["code_verifier"]
        try:
            token_info = self.get_token(payload)
        except requests.HTTPError as error:
            raise Refusal("code", str(error)[:300]) from error
        except (requests.RequestException, ValueError) as error:
            raise Refusal("unavailable", f"token endpoint: {error}") from error
        id_token = token_info.get("id_token") if isinstance(token_info, dict) else None
        if not isinstance(id_token, str):
            raise Refusal("token", "no id_token in the token response")
        id_claims = self.verify_id_token(id_token, nonce=flow.get("nonce"))
        claims = self.userinfo(token_info.get("access_token"), id_claims)
        invitation_token = request.session.pop(SESSION_INVITATION, None)
        user, joined = self.account_for(claims, invitation_token)
        return Login(user=user, id_token=id_token, claims=claims, joined=joined)

    def _pop_state(self, request, state: str) -> dict | None:
        """The flow (nonce, PKCE verifier) this state opened; used once."""
        states = request.session.get("oidc_states")
        if not isinstance(states, dict) or not state:
            return None
        flow = states.pop(state, None)
        request.session["oidc_states"] = states
        return flow if isinstance(flow, dict) else None

    def _configure(self, config: Config, metadata: dict) -> None:
        self.config = config
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = config.client_id
        self.OIDC_RP_CLIENT_SECRET = config.client_secret
        self.OIDC_RP_SIGN_ALGO = config.sign_algo
        self.OIDC_RP_IDP_SIGN_KEY = None

    # -- tokens --

    def _key(self, token: str):
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Refusal("token", f"unreadable header: {error}") from error
        if header.get("alg") != self.config.sign_algo:
            raise Refusal("signature", f"alg {header.get('alg')!r} instead of the agreed one")
        if self.config.sign_algo.startswith("HS"):
            return self.config.client_secret
        try:
            return self._provider_key(header)
        except (SuspiciousOperation, KeyError, jwt.PyJWTError) as error:
            raise Refusal("signature", f"no matching key in the JWKS: {error}") from error
        except (requests.RequestException, ValueError) as error:
            raise Refusal("unavailable", f"jwks: {error}") from error

    def _provider_key(self, header: dict) -> jwt.PyJWK:
        """The provider's key for a token of this header, found in its JWKS as cached; the set
        is read again, once, when the cached one has no such key (the provider rotated its keys).
        mozilla-django-oidc's `retrieve_matching_jwk`, without a request at each login."""
        cache_key = (
            "proconnect:jwks:" + hashlib.sha256(self.OIDC_OP_JWKS_ENDPOINT.encode()).hexdigest()
        )
        verify_kid = self.get_settings("OIDC_VERIFY_KID", True)
        jwks = cache.get(cache_key)
        jwk = None if jwks is None else matching_jwk(jwks, header, verify_kid=verify_kid)
        if jwk is None:
            jwks = self._fetch_jwks()
            cache.set(cache_key, jwks, JWKS_CACHE_SECONDS)
            jwk = matching_jwk(jwks, header, verify_kid=verify_kid)
        if jwk is None:
            raise SuspiciousOperation("Could not find a valid JWKS.")
        return jwt.PyJWK(jwk)

    def _fetch_jwks(self) -> dict:
        """The provider's JWKS, read from its endpoint; a set without one usable key is not
        kept (PyJWKSetError)."""
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.config.timeout,
            proxies=self.get_settings("OIDC_PROXY", None),
        )
        response.raise_for_status()
        jwks = response.json()
        if not isinstance(jwks, dict):
            raise SuspiciousOperation("The JWKS is not a JSON object.")
        jwt.PyJWKSet.from_dict(jwks)
        return jwks

    def _decode(self, token: str, *, require: list[str], audience: bool, issuer: bool) -> dict:
        try:
            return jwt.decode(
                token,
                self._key(token),
                algorithms=[self.config.sign_algo],
                audience=self.config.client_id if audience else None,
                issuer=self.config.issuer if issuer else None,
                leeway=LEEWAY_SECONDS,
                options={
                    "require": require,
                    "verify_aud": audience,
                    "verify_iss": issuer,
                },
            )
        except jwt.ExpiredSignatureError as error:
            raise Refusal("expired", str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise Refusal("audience", str(error)) from error
        except jwt.InvalidIssuerError as error:
            raise Refusal("issuer", str(error)) from error
        except jwt.InvalidSignatureError as error:
            raise Refusal("signature", str(error)) from error
        except jwt.PyJWTError as error:
            raise Refusal("token", str(error)) from error

    def verify_id_token(self, token: str, *, nonce: str | None) -> dict:
        """OpenID Connect Core 3.1.3.7: signed by the provider's key with the agreed
        algorithm, issued by the issuer, for this client, not expired, for this flow."""
        claims = self._decode(
            token, require=["iss", "sub", "aud", "exp", "iat"], audience=True, issuer=True
        )
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.config.client_id:
            raise Refusal("audience", f"several audiences, azp={claims.get('azp')!r}")
        if not nonce or not constant_time_compare(str(claims.get("nonce", "")), nonce):
            raise Refusal("nonce", "nonce differs from the one sent", subject=claims["sub"])
        return claims

    def userinfo(self, access_token, id_claims: dict) -> dict:
        """The UserInfo's claims over the ID token's (ProConnect signs the UserInfo: a JWT
        checked like the ID token; a plain JSON answer is accepted from other providers)."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(id_claims)
        try:
            response = requests.get(
                self.OIDC_OP_USER_ENDPOINT,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=self.config.timeout,
                verify=settings.OIDC_VERIFY_SSL,
            )
            response.raise_for_status()
        except requests.RequestException as error:
            raise Refusal("unavailable", f"userinfo: {error}") from error
        content_type = response.headers.get("content-type", "").lower()
        try:
            if content_type.startswith("application/jwt"):
                info = self._decode(
                    response.text.strip(), require=["sub"], audience=False, issuer=False
                )
                if "iss" in info and info["iss"].rstrip("/") != self.config.issuer:
                    raise Refusal("userinfo", "UserInfo issuer differs")
                audiences = info.get("aud", self.config.client_id)
                if self.config.client_id not in (
                    audiences if isinstance(audiences, list) else [audiences]
                ):
                    raise Refusal("userinfo", "UserInfo audience differs")
            else:
                info = response.json()
        except Refusal as refusal:
            if refusal.code in ("unavailable", "userinfo"):
                raise
            raise Refusal("userinfo", f"{refusal.code}: {refusal.detail}") from refusal
        except ValueError as error:
            raise Refusal("userinfo", f"unreadable UserInfo: {error}") from error
        if not isinstance(info, dict) or info.get("sub") != id_claims["sub"]:
            # OpenID Connect Core 5.3.4: the UserInfo must be about the ID token's subject.
            raise Refusal("userinfo", "UserInfo sub differs from the ID token's")
        # What the authentication was (acr, amr) is the ID token's word.
        return {**id_claims, **info, **{k: id_claims[k] for k in ("acr", "amr") if k in id_claims}}

    # -- who comes in --

    def verify_claims(self, claims: dict) -> bool:
        email = normalise_email(claims.get("email"))
        if not email or "@" not in email:
            raise Refusal("no_email", "no e-mail claim", subject=claims.get("sub", ""))
        if claims.get("email_verified") is False:
            raise Refusal(
                "no_email", "email_verified is false", email=email, subject=claims.get("sub", "")
            )
        return True

    def filter_users_by_claims(self, claims: dict):
        return self.UserModel.objects.filter(email__iexact=normalise_email(claims.get("email")))

    def account_for(self, claims: dict, invitation_token: str | None) -> tuple[User, str]:
        """The account of the verified e-mail, allowed to use ProConnect; or the account an
        invitation to that very address creates. (mozilla-django-oidc's get_or_create_user,
        with the portal's refusals.)"""
        self.verify_claims(claims)
        email, subject = normalise_email(claims["email"]), claims.get("sub", "")
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) > 1:
            raise Refusal("ambiguous", "several accounts", email=email, subject=subject)
        if not users:
            if invitation_token:
                return self.join_by_invitation(claims, invitation_token)
            return self.create_user(claims), ""
        user = users[0]
        if not user.is_active:
            raise Refusal("inactive", "inactive account", email=email, subject=subject)
        if not user.may_use_proconnect:
            raise Refusal("password_only", user.login_method, email=email, subject=subject)
        return self.update_user(user, claims), ""

    def create_user(self, claims: dict):
        """Nobody is created silently: an unknown agent is told to ask for an invitation."""
        raise Refusal(
            "unknown",
            "no account for this e-mail",
            email=normalise_email(claims.get("email")),
            subject=claims.get("sub", ""),
        )

    def join_by_invitation(self, claims: dict, invitation_token: str) -> tuple[User, str]:
        """The account of the person a pending invitation was sent to, created as he accepts
        it with ProConnect (the invitation's address must be the verified one)."""
        email = normalise_email(claims.get("email"))
        try:
            membership = services.invitation_register_with_proconnect(
                token=invitation_token,
                email=email,
                first_name=str(claims.get("given_name") or "")[:150],
                last_name=str(claims.get("usual_name") or claims.get("family_name") or "")[:150],
            )
        except services.TeamError as error:
            raise Refusal(
                "invitation", str(error), email=email, subject=claims.get("sub", "")
            ) from error
        return membership.user, membership.organisation.name


def record_login(request, login: Login) -> ExternalLogin:
    claims = login.claims
    amr = claims.get("amr") or []
    record = ExternalLogin.objects.create(
        user=login.user,
        provider=PROVIDER,
        subject=str(claims.get("sub", ""))[:255],
        acr=str(claims.get("acr") or "")[:200],
        amr=[str(method) for method in amr] if isinstance(amr, list) else [str(amr)],
        idp_id=str(claims.get("idp_id") or "")[:200],
        siret=str(claims.get("siret") or "")[:14],
    )
    SECURITY_LOG.info(
        "ProConnect login of %s (user %s) acr=%s amr=%s idp=%s from %s",
        login.user.email,
        login.user.pk,
        _printable(record.acr),
        _printable(",".join(record.amr)),
        _printable(record.idp_id),
        request.META.get("REMOTE_ADDR", "-"),
    )
    return record


# --- Logout --------------------------------------------------------------------------------


def end_session_url(request, id_token: str) -> str | None:
    """Where to send the browser so that ProConnect ends its session too (RP-initiated
    logout), or None when the provider offers no end_session_endpoint or cannot be reached.
    Call after the portal's logout: the state is kept in the new, empty session."""
    config = configuration()
    if config is None:
        return None
    try:
        endpoint = provider_metadata(config).get("end_session_endpoint")
    except Refusal as refusal:
        SECURITY_LOG.warning("ProConnect logout not sent: %s", refusal.detail)
        return None
    if not endpoint:
        return None
    state = secrets.token_urlsafe(32)
    request.session[SESSION_LOGOUT_STATE] = state
    params = {
        "id_token_hint": id_token,
        "state": state,
        "post_logout_redirect_uri": request.build_absolute_uri(
            reverse("accounts:proconnect-logout-return")
        ),
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def logout_returned(request) -> bool:
    """The provider sent the browser back after its logout, with the state we gave it."""
    expected = request.session.pop(SESSION_LOGOUT_STATE, None)
    return bool(expected) and constant_time_compare(expected, request.GET.get("state", ""))
