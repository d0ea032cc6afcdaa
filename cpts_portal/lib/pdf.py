"""PDF rendering with WeasyPrint, shared by every document of the portal.

Resources come from our own static files only, through `StaticFetcher`: anything else (a
remote URL, a missing font or image) stops the rendering with an error instead of silently
producing a PDF without it. Fonts are shipped in static/fonts and embedded.
"""

import io
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


def render(html: str, inserts: dict[str, bytes] | None = None) -> tuple[bytes, int]:
    """Render `html` (a whole French document) to PDF bytes, tagged for accessibility; with
    its number of pages.

    `inserts` maps an element id of `html` to a PDF file (bytes) whose pages replace, from
    the page holding that element on, as many pages of the document: the HTML reserves them
    (one empty page per page of the file), so that its table of contents counts them."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFetcher()).render()
    content = document.write_pdf(pdf_tags=True, optimize_images=True)
    if inserts:
        starts = {}
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                if anchor in inserts and anchor not in starts:
                    starts[anchor] = index
        missing = set(inserts) - set(starts)
        if missing:
            raise ValueError(f"no page reserved for the inserted PDF(s): {sorted(missing)}")
        content = _replace_pages(content, [(starts[a], inserts[a]) for a in inserts])
    return content, len(document.pages)


def page_count(content: bytes) -> int:
    """The number of pages of a PDF file; ValueError when it cannot be read (damaged,
    encrypted)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise ValueError("encrypted PDF")
        return len(reader.pages)
    except PdfReadError as error:
        raise ValueError(str(error)) from error


def _replace_pages(content: bytes, inserts: list[tuple[int, bytes]]) -> bytes:
    """Replace, for each (start, file), the pages start… of `content` by the pages of file."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    # From the last one, so that the earlier start indices stay right.
    for start, insert in sorted(inserts, key=lambda item: item[0], reverse=True):
        reader = PdfReader(io.BytesIO(insert))
        count = len(reader.pages)
        for _ in range(count):
            writer.remove_page(start)
        for offset, page in enumerate(reader.pages):
            writer.insert_page(page, start + offset)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def html_to_pdf(html: str) -> bytes:
    return render(html)[0]
