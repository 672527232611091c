"""Sphinx extension for the M County book's site (loaded from book/_config.yml, local_extensions).

Fixes and additions that no configuration value of the Jupyter Book 1.x stack offers:

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
5. Notebook (chapter) pages offer the page as Markdown too: the download dropdown, which
   sphinx-book-theme fills with ``.ipynb`` (the executed notebook the runner staged) and ``.pdf``,
   gets a ``.md`` item, and ``_sources/<page>.md`` is written next to ``_sources/<page>.ipynb``:
   the executed notebook as MyST Markdown (:func:`notebook_to_myst`). Only the multi-page
   (``html``) edition; the single-page print edition has no download dropdown per chapter.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import yaml
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


# --------------------------------------------------------------------------------------------
# 5. The executed notebook as MyST Markdown
# --------------------------------------------------------------------------------------------

GLUE_PREFIX = "application/papermill.record/"
# Inline glue roles whose value is text: {glue}`key`, {glue:}`key:fmt`, {glue:text}`key:fmt`.
_GLUE_ROLE = re.compile(r"\{glue(:text|:)?\}`([^`]+)`")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_KEYS = ("tags", "mystnb")  # cell metadata that changes how the page shows a cell
MYST_HEADER = {
    "jupytext": {
        "text_representation": {
            "extension": ".md",
            "format_name": "myst",
            "format_version": "0.13",
        }
    }
}
MYST_NOTE = (
    '% The executed notebook of this page as MyST Markdown (the book\'s download menu, ".md").\n'
    "% Code cells are {code-cell} blocks; the text output of a cell follows it in a ```text\n"
    "% block; values glued into the prose are pasted in as the page shows them; figures are\n"
    "% not part of this text (see the page or the .ipynb)."
)


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _fence(body: str, info: str) -> str:
    """A fenced block longer than any backtick run in ``body`` (so the body cannot close it)."""
    runs = [len(m) for m in re.findall(r"`+", body)]
    ticks = "`" * max(3, max(runs, default=0) + 1)
    return f"{ticks}{info}\n{body.rstrip()}\n{ticks}"


def glue_values(nb: dict) -> dict[str, str]:
    """The ``text/plain`` value of every variable the notebook glued (``myst_nb.glue``).

    A glued value is a display output whose metadata is ``{"scrapbook": {"name": key}}`` and whose
    data are under the ``application/papermill.record/`` prefix (``glue(..., display=False)``) or
    unprefixed (``display=True``). Later glues of the same key win, as in myst-nb.
    """
    values: dict[str, str] = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            name = (out.get("metadata") or {}).get("scrapbook", {}).get("name")
            data = out.get("data") or {}
            for mime in (GLUE_PREFIX + "text/plain", "text/plain"):
                if name and mime in data:
                    values[name] = _text(data[mime])
                    break
    return values


def paste_glue(text: str, values: dict[str, str]) -> str:
    r"""Replace the inline glue roles of ``text`` by the values they paste on the page.

    ``{glue:text}`key:fmt``` becomes ``format(value, fmt)`` exactly as myst-nb formats it
    (:func:`myst_nb.core.variables.format_plain_text`: the ``text/plain`` repr is read back with
    ``ast.literal_eval`` and formatted with the Python format specification ``fmt``, default ``s``);
    ``{glue}`` and ``{glue:}`` paste the value unformatted. A role naming another document
    (``doc::key``) or a key the notebook did not glue is left as it is (still valid MyST).
    Directives (``{glue:figure}``) are left as they are: their figure is not text.
    """
    from myst_nb.core.variables import format_plain_text

    def replace(match: re.Match[str]) -> str:
        role, content = match.group(1), match.group(2)
        key, fmt = content, "s"
        if role == ":text" or role == ":":
            parts = content.rsplit(":", 1)
            if len(parts) == 2 and "::" not in parts[1] and not content.endswith("::"):
                key, fmt = parts
        if "::" in key or key not in values:
            return match.group(0)
        try:
            return format_plain_text(values[key], fmt)
        except (TypeError, ValueError):  # the page would show a glue warning; keep the role
            return match.group(0)

    return _GLUE_ROLE.sub(replace, text)


def _cell_options(metadata: dict) -> str:
    # plain dicts and lists (nbformat's NotebookNode is a dict subclass that YAML refuses)
    kept = json.loads(json.dumps({k: metadata[k] for k in _CELL_KEYS if metadata.get(k)}))
    if not kept:
        return ""
    if set(kept) == {"tags"}:
        return f":tags: [{', '.join(kept['tags'])}]\n\n"
    body = yaml.safe_dump(
        kept, sort_keys=True, allow_unicode=True, default_flow_style=None, width=10**6
    )
    return f"---\n{body}---\n"


def _outputs_markdown(cell: dict) -> list[str]:
    """What a reader sees of a code cell's outputs, as MyST blocks (glue records are not shown)."""
    tags = set((cell.get("metadata") or {}).get("tags", []))
    if tags & {"remove-output", "remove-cell"}:
        return []
    blocks: list[str] = []
    stream = ""
    for out in cell.get("outputs", []) or []:
        kind = out.get("output_type")
        if kind == "stream":
            stream += _text(out.get("text", ""))
            continue
        if stream:
            blocks.append(_fence(_ANSI.sub("", stream), "text"))
            stream = ""
        if kind == "error":
            blocks.append(_fence(f"{out.get('ename', '')}: {out.get('evalue', '')}", "text"))
            continue
        data = {k: _text(v) for k, v in (out.get("data") or {}).items()}
        data = {k: v for k, v in data.items() if not k.startswith(GLUE_PREFIX)}
        if (out.get("metadata") or {}).get("scrapbook") or not data:
            continue  # a glued value: pasted into the prose, not shown here
        if "text/markdown" in data:
            blocks.append(data["text/markdown"].strip())
        elif "text/latex" in data:
            blocks.append(data["text/latex"].strip())
        elif any(k.startswith("image/") for k in data):
            blocks.append("*(a figure: see this page in the book)*")
        elif "text/plain" in data:
            blocks.append(_fence(_ANSI.sub("", data["text/plain"]), "text"))
        elif "text/html" in data:
            blocks.append(_fence(data["text/html"], "html"))
    if stream:
        blocks.append(_fence(_ANSI.sub("", stream), "text"))
    return blocks


def notebook_to_myst(nb: dict) -> str:
    """Render an executed notebook as MyST Markdown, outputs included as far as text allows.

    The layout is jupytext's MyST format (``format_name: myst``, version 0.13; Mwouts et al.,
    *Jupytext*, https://jupytext.readthedocs.io, "MyST Markdown" format): YAML front matter with
    the kernel, Markdown cells as they are (consecutive ones separated by ``+++``, a cell with tags
    after ``+++ {"tags": [...]}``) and code cells as ``{code-cell}`` blocks whose options carry the
    cell's ``tags`` and ``mystnb`` metadata. Additions for a reader of the executed page:

    * after each code cell, its outputs: text (``stream``, ``text/plain`` such as tables, an
      ``error``'s name and message) in a fenced ``text`` block, ``text/markdown`` and
      ``text/latex`` as they are, a figure as a one-line pointer to the page;
    * the inline glue roles of the prose replaced by the values the page shows (:func:`paste_glue`).

    Defaults: no papermill, execution or widget metadata is written (it names machine paths and
    timings); cells tagged ``remove-output`` or ``remove-cell`` show no output, as on the page.

    Hand-written because jupytext (which writes this format) is not among the book's dependencies,
    and jupytext drops outputs, which this rendering keeps.

    Raises
    ------
    ValueError
        When ``nb`` has no ``cells`` list (not a Jupyter notebook), or a cell's ``cell_type`` is
        not ``markdown``, ``code`` or ``raw``; the message names the cell.
    """
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise ValueError("nb: not a Jupyter notebook (no 'cells' list)")
    meta = nb.get("metadata") or {}
    header = dict(MYST_HEADER)
    if meta.get("kernelspec"):
        header["kernelspec"] = json.loads(json.dumps(meta["kernelspec"]))
    lexer = (meta.get("language_info") or {}).get("pygments_lexer") or "ipython3"
    values = glue_values(nb)
    parts = [f"---\n{yaml.safe_dump(header, sort_keys=True, allow_unicode=True)}---", MYST_NOTE]
    previous = "code"
    for index, cell in enumerate(cells):
        kind = cell.get("cell_type")
        source = _text(cell.get("source", ""))
        cell_meta = cell.get("metadata") or {}
        if kind == "code":
            parts.append(_fence(_cell_options(cell_meta) + source, "{code-cell} " + lexer))
            parts.extend(_outputs_markdown(cell))
        elif kind in {"markdown", "raw"}:
            tags = cell_meta.get("tags")
            if tags:
                parts.append("+++ " + json.dumps({"tags": list(tags)}))
            elif previous != "code":
                parts.append("+++")
            if kind == "raw":
                parts.append(_fence(source, "{raw-cell}"))
            else:
                parts.append(paste_glue(source, values).strip())
        else:
            raise ValueError(
                f"nb: cell {index} has cell_type {kind!r}; a notebook cell is markdown, code or raw"
            )
        previous = "code" if kind == "code" else "text"
    return "\n\n".join(p for p in parts if p) + "\n"


def markdown_download(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """On a notebook page of the html edition: write ``_sources/<page>.md`` and offer it as ".md".

    Runs after sphinx-book-theme's ``add_header_buttons`` (priority 501), so that the download
    group exists; the new item has the shape of the theme's own items and goes right after the
    ``.ipynb`` one. The url is relative to the page (``pathto("_sources", 1)``), so the site works
    from any folder or host.
    """
    if app.builder.name != "html" or context.get("page_source_suffix") != ".ipynb":
        return
    import nbformat

    source = Path(str(app.env.doc2path(pagename)))
    if source.suffix != ".ipynb" or not source.is_file():
        return
    group = next(
        (
            g
            for g in context.get("header_buttons") or []
            if isinstance(g, dict) and g.get("label") == "download-buttons"
        ),
        None,
    )
    if group is None:  # the download button is off
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(source, as_version=4)
    partial = target.with_name(f".{target.name}.partial")  # written whole, then renamed
    partial.write_text(notebook_to_myst(nb), encoding="utf-8")
    os.replace(partial, target)
    buttons = group["buttons"]
    item = {
        "type": "link",
        "url": f"{context['pathto']('_sources', 1)}/{pagename}.md",
        "text": ".md",
        "icon": "fas fa-file",
        "tooltip": "Download the executed notebook as MyST Markdown",
        "label": "download-myst-button",
    }
    after = next((i for i, b in enumerate(buttons) if b.get("text") == ".ipynb"), len(buttons) - 1)
    buttons.insert(after + 1, item)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers (the substitution swap runs before MyST builds its config)."""
    app.connect("builder-inited", single_page_substitutions, priority=100)
    app.connect("builder-inited", single_page_handlers, priority=900)
    app.connect("html-page-context", drop_thebe_assets, priority=900)
    app.connect("html-page-context", single_page_title, priority=900)
    app.connect("html-page-context", markdown_download, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
