"""Files the portal hands out: stored uploads and documents, generated exports.

The view checks access first (through its app's access helpers); these only build the
response: a Content-Disposition safe for any file name (RFC 6266, non-ASCII names encoded),
and `X-Content-Type-Options: nosniff` so that a browser never reinterprets the file.
"""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def file_response(
    field_file, filename: str, content_type: str, *, inline: bool = False
) -> FileResponse:
    """A stored file (a FieldFile), streamed and closed with the response; Http404 when the
    file is no longer in the storage. `inline` shows it in the browser instead of saving it."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):  # gone from the storage, or no file at all
        raise Http404("Le fichier n'est plus disponible.") from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def content_response(
    content: bytes | str, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    """Content generated for the request (an export, a PDF, a calendar) as a file."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
