"""Response headers the portal adds to every page (README, "Security decisions")."""

# The browser features no page of the portal uses: refused to every page and to what it embeds.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class PrivacyHeadersMiddleware:
    """`Permissions-Policy` on every response; `Cache-Control: no-store, private` on the pages
    served to a logged-in user (project data must not stay in a browser's or a proxy's cache),
    unless the view set its own Cache-Control. Static files (whitenoise, above) and the pages
    of anonymous visitors keep their caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store, private"
        return response
