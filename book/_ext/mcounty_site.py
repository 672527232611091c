"""Sphinx extension for the M County book's site (loaded from book/_config.yml, local_extensions).

Two fixes that no configuration value of the Jupyter Book 1.x stack offers:

1. sphinx-thebe (always loaded by Jupyter Book) adds its configuration as an inline
   ``<script>const THEBE_JS_URL = "https://unpkg.com/..."</script>`` plus ``sphinx-thebe.js`` and
   ``sphinx-thebe.css`` to every page, even with ``launch_buttons.thebe: false``; the inline script
   is added twice, so every page logs ``SyntaxError: Identifier 'THEBE_JS_URL' has already been
   declared``, and it names a CDN. thebe is off in this book, so the scripts are dropped.
2. The single-page (printable) edition, built by the runner with the ``singlehtml`` builder into
   ``html/print/``, links back to the multi-page site instead of to itself: the ``print_edition``
   substitution is swapped before MyST reads its configuration.
3. The singlehtml builder gives the theme no ``docstitle``, so the sidebar's title reads "None";
   the book's title is put back.
4. Some extension registers node handlers for the ``singlehtml`` builder by name, so Sphinx no
   longer falls back to the ``html`` handlers for it and the single-page build dies on myst-nb's
   ``HideCodeCellNode`` (a collapsed cell); the missing ``html`` handlers are copied over.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

BACK_TO_SITE = (
    '<a class="reference internal" href="../index.html">You are reading the single-page edition; '
    "the multi-page site is here</a>"
)


def _is_thebe(asset: object) -> bool:
    name = str(getattr(asset, "filename", "") or "")
    body = str(getattr(asset, "attributes", {}).get("body", "") or "")
    return "sphinx-thebe" in name or "THEBE_JS_URL" in body or "thebe_selector" in body


def drop_thebe_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Remove sphinx-thebe's scripts and stylesheet from the page being written."""
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if isinstance(files, list):
            files[:] = [f for f in files if not _is_thebe(f)]


def single_page_title(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the single-page edition's sidebar the book's title instead of "None"."""
    if not context.get("docstitle"):
        context["docstitle"] = app.config.html_title or app.config.project


def single_page_substitutions(app: Sphinx) -> None:
    """In the singlehtml edition, point ``{{ print_edition }}`` back at the multi-page site."""
    if app.builder.name != "singlehtml":
        return
    subs = dict(app.config.myst_substitutions or {})
    if "print_edition" in subs:
        subs["print_edition"] = BACK_TO_SITE
        app.config.myst_substitutions = subs


def single_page_handlers(app: Sphinx) -> None:
    """Give the singlehtml builder every html node handler it lacks (see the module docstring)."""
    handlers = app.registry.translation_handlers
    if app.builder.name in handlers and app.builder.name != "html":
        for name, pair in handlers.get(app.builder.format, {}).items():
            handlers[app.builder.name].setdefault(name, pair)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers (the substitution swap runs before MyST builds its config)."""
    app.connect("builder-inited", single_page_substitutions, priority=100)
    app.connect("builder-inited", single_page_handlers, priority=900)
    app.connect("html-page-context", drop_thebe_assets, priority=900)
    app.connect("html-page-context", single_page_title, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
