"""The ProConnect pages: start the login, come back from the provider, come back from its
logout. The protocol and the checks are in accounts/proconnect.py."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationRequestView, get_next_url

from . import proconnect


def _refused(request, refusal: proconnect.Refusal):
    proconnect.log_refusal(request, refusal)
    return render(
        request,
        "accounts/proconnect_refused.html",
        {"refusal": refusal},
        status=refusal.status,
    )


def _config_or_404():
    """ProConnect's configuration; 404 when the portal has none."""
    config = proconnect.configuration()
    if config is None:
        raise Http404("ProConnect n'est pas configuré sur ce portail.")
    return config


@method_decorator(login_not_required, name="dispatch")
class ProConnectLoginView(OIDCAuthenticationRequestView):
    """The "S'identifier avec ProConnect" button: a fresh state, nonce and PKCE verifier in the
    session, then the browser goes to the provider's authorization endpoint."""

    def __init__(self, **kwargs):
        # The parent reads the endpoint and client from settings here; ours come from
        # discovery, in get().
        View.__init__(self, **kwargs)

    def get(self, request):
        config = _config_or_404()
        if request.user.is_authenticated:
            return redirect(get_next_url(request, "next") or settings.LOGIN_REDIRECT_URL)
        try:
            metadata = proconnect.provider_metadata(config)
        except proconnect.Refusal as refusal:
            return _refused(request, refusal)
        self.OIDC_OP_AUTH_ENDPOINT = metadata["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = config.client_id
        # An invitation accepted with ProConnect: the callback creates the account it invites.
        invitation = request.GET.get("invitation", "")[:200]
        if invitation:
            request.session[proconnect.SESSION_INVITATION] = invitation
        else:
            request.session.pop(proconnect.SESSION_INVITATION, None)
        return super().get(request)

    def get_extra_params(self, request):
        return {"claims": json.dumps(proconnect.CLAIMS_REQUEST, separators=(",", ":"))}


@login_not_required
@require_GET
def proconnect_callback(request):
    """The provider's redirect back (a GET, by the protocol: the login it completes writes the
    session, the login record and, for an invitation, the new account)."""
    config = _config_or_404()
    backend = proconnect.ProConnectBackend()
    try:
        result = backend.complete(request, config)
    except proconnect.Refusal as refusal:
        return _refused(request, refusal)
    next_url = request.session.pop("oidc_login_next", None)
    login(request, result.user, backend=proconnect.BACKEND)
    request.session[proconnect.SESSION_ID_TOKEN] = result.id_token
    proconnect.record_login(request, result)
    if result.joined:
        messages.success(request, f"Bienvenue ! Vous avez rejoint {result.joined}.")
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@login_not_required
@require_GET
def proconnect_logout_return(request):
    """Where ProConnect sends the browser back after ending its session."""
    if proconnect.logout_returned(request):
        messages.success(request, "Vous êtes déconnecté du portail et de ProConnect.")
    return redirect("accounts:login")
