"""HTML to PDF with WeasyPrint, reading nothing but the application's own static files.

WeasyPrint's default fetcher follows ``file:`` and ``http(s):`` URLs and embeds what it gets
(``<link rel="attachment">`` turns any readable file into a PDF attachment). Report templates
refer to fonts and stylesheets as ``static:fonts/...``; everything else is refused.
"""

import base64
import binascii
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from flask_babel import lazy_gettext as _l

from consultation.errors import ConsultationError

STATIC_ROOT = Path(__file__).resolve().parent.parent.parent / "static"
STATIC_SCHEME = "static:"
# Small inline images (a logo) are fine; anything larger is a way to smuggle content in.
MAX_DATA_URL_BYTES = 64 * 1024
CONTENT_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}

logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    pass


class PDFUnavailable(ConsultationError):
    status_code = 503


@cache
def _weasyprint():
    """WeasyPrint, imported when the first PDF is made: it loads Pango as it is imported, and
    the rest of the application runs on a machine without it."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except OSError as error:
        logger.error("WeasyPrint cannot load its system libraries: %s", error)
        raise PDFUnavailable(
            _l(
                "PDF output is not available on this server: the system libraries it needs "
                "are missing. Ask the administrators to install them."
            )
        ) from error

    class StaticOnlyFetcher(URLFetcher):
        """Serves ``static:<path>`` from static/ and small ``data:image/...`` URLs; refuses
        the rest."""

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            if url.startswith(STATIC_SCHEME):
                return URLFetcherResponse(url, *_static_file(url))
            if url.startswith("data:"):
                return URLFetcherResponse(url, *_small_image(url))
            logger.warning("PDF rendering refused to fetch %.200s", url)
            raise RefusedURL(f"refused: {url[:200]}")

    return weasyprint, StaticOnlyFetcher


def _static_file(url: str) -> tuple[bytes, dict[str, str]]:
    relative = unquote(url.removeprefix(STATIC_SCHEME).split("?")[0].split("#")[0])
    path = (STATIC_ROOT / relative.lstrip("/")).resolve()
    content_type = CONTENT_TYPES.get(path.suffix.lower())
    if not path.is_relative_to(STATIC_ROOT) or not path.is_file() or content_type is None:
        logger.warning("PDF rendering refused to fetch %.200s", url)
        raise RefusedURL(f"refused: {url[:200]}")
    return path.read_bytes(), {"Content-Type": content_type}


def _small_image(url: str) -> tuple[bytes, dict[str, str]]:
    header, _, payload = url.removeprefix("data:").partition(",")
    media_type, *parameters = header.split(";")
    if not media_type.startswith("image/") or len(payload) > MAX_DATA_URL_BYTES * 4 // 3:
        logger.warning("PDF rendering refused a data: URL of type %.60s", media_type)
        raise RefusedURL("refused data URL")
    try:
        body = (
            base64.b64decode(payload, validate=True)
            if "base64" in parameters
            else unquote(payload).encode()
        )
    except binascii.Error as error:
        raise RefusedURL("malformed data URL") from error
    return body, {"Content-Type": media_type}


def route_weasyprint_logs() -> None:
    """Refused and failed fetches are logged by WeasyPrint only when its logger has a handler;
    sending its records on to the application's log makes them visible."""
    weasyprint_logger = logging.getLogger("weasyprint")
    weasyprint_logger.propagate = True
    weasyprint_logger.setLevel(logging.WARNING)


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    page_count: int


def render_pdf(html: str, max_pages: int | None = None) -> RenderedPDF | None:
    """Renders ``html``; returns None when it needs more than ``max_pages`` pages."""
    weasyprint, fetcher_class = _weasyprint()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher_class()).render()
    if max_pages is not None and len(document.pages) > max_pages:
        return None
    content = document.write_pdf()
    return RenderedPDF(content, len(document.pages))
