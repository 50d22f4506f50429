"""HTML to PDF with WeasyPrint, reading nothing but the application's own static files.

WeasyPrint's default fetcher follows ``file:`` and ``http(s):`` URLs and embeds what it gets
(``<link rel="attachment">`` turns any readable file into a PDF attachment). Report templates
refer to fonts and stylesheets as ``static:fonts/...``; everything else is refused.
"""

import base64
import binascii
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

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


class StaticOnlyFetcher(URLFetcher):
    """Serves ``static:<path>`` from static/ and small ``data:image/...`` URLs; refuses the rest."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(STATIC_SCHEME):
            return self._static(url)
        if url.startswith("data:"):
            return self._data(url)
        logger.warning("PDF rendering refused to fetch %.200s", url)
        raise RefusedURL(f"refused: {url[:200]}")

    def _static(self, url: str) -> URLFetcherResponse:
        relative = unquote(url.removeprefix(STATIC_SCHEME).split("?")[0].split("#")[0])
        path = (STATIC_ROOT / relative.lstrip("/")).resolve()
        if not path.is_relative_to(STATIC_ROOT) or not path.is_file():
            logger.warning("PDF rendering refused to fetch %.200s", url)
            raise RefusedURL(f"refused: {url[:200]}")
        content_type = CONTENT_TYPES.get(path.suffix.lower())
        if content_type is None:
            raise RefusedURL(f"refused type: {path.suffix}")
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": content_type})

    def _data(self, url: str) -> URLFetcherResponse:
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
        return URLFetcherResponse(url, body, headers={"Content-Type": media_type})


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
    document = weasyprint.HTML(string=html, url_fetcher=StaticOnlyFetcher()).render()
    if max_pages is not None and len(document.pages) > max_pages:
        return None
    content = document.write_pdf()
    return RenderedPDF(content, len(document.pages))
