"""PDF documents (receipts, notices, agreements) rendered from Django templates.

Every app renders its documents through ``render_pdf``; the style guide keeps the call in
Celery tasks, which store the bytes in a FileField.

The centre runs on a county intranet with no way out to the internet, so a document may
use only the project's own static files and ``data:`` URIs. Anything else fails the
render rather than printing a document with a silently missing stylesheet or image.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from centre.models import DocumentTemplate

# Templates write root-relative URLs ({% static %} gives "/static/css/print.css"); WeasyPrint
# resolves them against this base, so they reach the fetcher as "file:///static/...". It is
# a base, never read as a directory: the fetcher maps the path to the static files.
_BASE_URL = "file:///"


class LocalURLFetcher(URLFetcher):
    """Serves static files from disk and ``data:`` URIs; refuses everything else.

    ``fail_on_errors`` is always on: WeasyPrint would otherwise log a refused or missing
    resource as a warning and print the document without it.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["fail_on_errors"] = True
        super().__init__(**kwargs)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            # The base class decodes data: URIs itself (urllib's DataHandler), no I/O.
            return super().fetch(url, headers)
        static_prefix = urlsplit(settings.STATIC_URL).path
        if parts.scheme == "file" and not parts.netloc and parts.path.startswith(static_prefix):
            name = posixpath.normpath(unquote(parts.path.removeprefix(static_prefix)))
            if name == ".." or name.startswith(("../", "/")):
                raise ValueError(f"PDF resource outside the static files: {url}")
            content_type, _ = mimetypes.guess_type(name)
            content_type = content_type or "application/octet-stream"
            if content_type.startswith("text/"):
                # print.css holds Chinese (the page footer): never let it be guessed as Latin-1.
                content_type += "; charset=utf-8"
            return URLFetcherResponse(
                url, body=_read_static(name), headers={"Content-Type": content_type}
            )
        # Intranet servers have no route out: an http(s) fetch would only hang until the
        # timeout, and a URL built from user data must not make the server call anywhere.
        raise ValueError(f"PDF documents may use only static files and data: URIs, not {url}")


def _read_static(name: str) -> bytes:
    found = finders.find(name)
    if found:
        with open(found, "rb") as f:
            return f.read()
    # In production {% static %} names the hashed copy collectstatic wrote
    # ("css/print.3f2a91c0d4e5.css"), which only STATIC_ROOT holds, not the source folders.
    if settings.STATIC_ROOT and staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as f:
            return f.read()
    raise FileNotFoundError(f"Static file not found for a PDF document: {name}")


@cache
def _font_config() -> FontConfiguration:
    # One per process: each new one makes fontconfig and Pango load the font list and open
    # the Noto CJK faces again (about 20 ms of a 190 ms receipt). Renders run one at a time
    # in a worker process (Celery prefork), so nothing uses it concurrently.
    return FontConfiguration()


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    request: HttpRequest | None = None,
    editable: bool = False,
) -> bytes:
    """Render a template to a PDF and return its bytes.

    With ``editable``, an administrator's active version of the template (the
    ``DocumentTemplate`` row named like the file) is used instead of the file.

    Raises ``ValueError`` when the template refers to a URL other than a static file or a
    ``data:`` URI, and ``FileNotFoundError`` when a static file it refers to is missing.
    """
    override = (
        DocumentTemplate.objects.filter(name=template_name, active=True)
        .values_list("body", flat=True)
        .first()
        if editable
        else None
    )
    if override is not None:
        html = engines["django"].from_string(override).render(context, request=request)
    else:
        html = render_to_string(template_name, context, request=request)
    return _pdf(html)


def _pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=_BASE_URL, url_fetcher=LocalURLFetcher())
    try:
        # WeasyPrint's defaults embed only the glyphs used (full_fonts=False, no hinting): a
        # receipt with three faces is about 360 KB, where whole Noto CJK fonts would be
        # tens of MB. With libharfbuzz-subset0 installed it subsets natively: about 0.2 s a
        # receipt, against 8.4 s with its fontTools fallback on these 65,000-glyph fonts.
        return document.write_pdf(font_config=_font_config())
    except FatalURLFetchingError as exc:
        # WeasyPrint stops on a BaseException wrapping the fetcher's error; raise that error
        # itself, so callers (and Celery's failure handling) see an ordinary exception.
        if exc.__cause__ is None:
            raise ValueError(str(exc)) from None
        raise exc.__cause__ from None


def qr_svg_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG ``data:`` URI, for an ``<img>`` in a PDF document."""
    # make_qr, not make: segno would pick a Micro QR code for short data, which most phone
    # cameras do not read. Level M at least (segno raises it when that costs no extra size)
    # survives a fold or a stamp over the corner of a printed receipt.
    qr = segno.make_qr(url, error="m")
    # omitsize drops width/height and keeps the viewBox, so the code scales to the size the
    # stylesheet gives the <img> instead of being drawn at 1 px per module.
    return qr.svg_data_uri(omitsize=True)


# The templates an administrator may replace (``DocumentTemplate``), each with a sample
# context: every key its document's real context has, with representative values. Filled
# by the apps that render them (``intake.documents.register_renderer``): centre imports no
# app.
EDITABLE_TEMPLATES: dict[str, Callable[[], dict[str, Any]]] = {}


def register_editable(template_name: str, sample_context: Callable[[], dict[str, Any]]) -> None:
    EDITABLE_TEMPLATES[template_name] = sample_context


@cache
def _checking_engine() -> DjangoTemplates:
    # The project's template settings with debug on: only then does Django attach to a
    # template's errors the line they occurred on (``template_debug``, the debug
    # interface of template backends), which the administrator is told.
    params = {key: value for key, value in settings.TEMPLATES[0].items() if key != "BACKEND"}
    params["NAME"] = "document-template-check"
    params["OPTIONS"] = {**params.get("OPTIONS", {}), "debug": True}
    return DjangoTemplates(params)


def document_template_check(name: str, body: str) -> None:
    """Refuse an administrator's template that would fail when a document is made: it is
    compiled and rendered to a PDF with the sample context of its document. The error
    (Chinese) names the template and the line; ``ValidationError`` on field ``body``,
    or on ``name`` for a template that no document uses."""
    sample = EDITABLE_TEMPLATES.get(name)
    if sample is None:
        raise ValidationError(
            {
                "name": _("“%(name)s”不是可修改的文书模板，可修改的有：%(names)s")
                % {"name": name, "names": "、".join(sorted(EDITABLE_TEMPLATES)) or "—"}
            }
        )
    engine, context = _checking_engine(), sample()
    try:
        _pdf(engine.from_string(body).render(context))
    except Exception as exc:
        # Whatever fails here (syntax, a filter, a missing include, a URL the PDF may not
        # load) would fail every document of the kind.
        line = getattr(exc, "template_debug", {}).get("line")
        values = {"name": name, "line": line, "error": exc}
        message = (
            _("文书模板“%(name)s”第%(line)s行无法生成文书：%(error)s")
            if line
            else _("文书模板“%(name)s”无法生成文书：%(error)s")
        )
        raise ValidationError({"body": message % values}) from exc
