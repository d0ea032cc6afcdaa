"""PDF rendering with WeasyPrint, shared by every document of the portal.

Resources come from our own static files only, through `StaticFetcher`: anything else (a
remote URL, a missing font or image) stops the rendering with an error instead of silently
producing a PDF without it. Fonts are shipped in static/fonts and embedded.
"""

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_BASE_URL = "https://cpts-portal.invalid/"


class PdfResourceError(ValueError):
    """A document asked for a resource that is not one of our static files."""


def static_file(url: str) -> tuple[bytes, str]:
    """The content and type of the static file `url` points to, or PdfResourceError."""
    parts = urlsplit(url)
    base = urlsplit(PDF_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
        settings.STATIC_URL
    ):
        raise PdfResourceError(f"resource refused in a PDF: {url}")
    relative = parts.path[len(settings.STATIC_URL) :]
    if ".." in relative.split("/"):
        raise PdfResourceError(f"resource refused in a PDF: {url}")
    found = finders.find(relative)
    if not found:
        raise PdfResourceError(f"static file not found for a PDF: {relative}")
    with open(found, "rb") as handle:
        return handle.read(), mimetypes.guess_type(found)[0] or "application/octet-stream"


class StaticFetcher(URLFetcher):
    def __init__(self):
        super().__init__(fail_on_errors=True)

    def fetch(self, url, headers=None):
        content, mime_type = static_file(url)
        return URLFetcherResponse(url, body=content, headers={"Content-Type": mime_type})


def render(html: str) -> tuple[bytes, int]:
    """Render `html` (a whole French document) to PDF bytes, tagged for accessibility; with
    its number of pages."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFetcher()).render()
    return document.write_pdf(pdf_tags=True, optimize_images=True), len(document.pages)


def html_to_pdf(html: str) -> bytes:
    return render(html)[0]
