"""The published site in a real browser: self-contained, no broken page, image, link or anchor, math
typeset, search, download of the executed notebooks, Chinese glyphs, and the printable edition.

Debian's Chromium (``/usr/bin/chromium``) is driven headless through Python Playwright; the site
(``book/_build/html``, built once per session by the ``built_book`` fixture) is served by a
``http.server`` on 127.0.0.1. Every request to another host is recorded and aborted. Screenshots of
every page at 1280 px and 390 px are saved under ``book/_build/screenshots/``.

The first tests run the same checker on tiny broken sites, so that a checker that cannot fail is
caught. Without Chromium the tests fail under CI (``CI=true``) and skip elsewhere, with the hint.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from site_check import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SiteReport,
    check_site,
    chromium_available,
    chromium_missing_message,
    cjk_rendering,
    serve,
    site_pages,
    static_external_refs,
)

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "book" / "_build" / "screenshots"
SCORING = "chapters/04_scoring"
GLOSSARY = "appendix/glossary"
CJK_TERM = "精准扶贫"

pytestmark = pytest.mark.browser


# --------------------------------------------------------------------------------------------
# Browser and site fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not chromium_available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(chromium_missing_message())
        pytest.skip(chromium_missing_message())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def book_html(request: pytest.FixtureRequest) -> Path:
    """The built site: ``book/_build/html`` from the session's book build, or the folder named by
    ``MCOUNTY_SITE_DIR`` (to re-check an already built site without rebuilding)."""
    given = os.environ.get("MCOUNTY_SITE_DIR")
    if given:
        return Path(given)
    return request.getfixturevalue("built_book")


@pytest.fixture(scope="module")
def site(book_html: Path, browser: object) -> tuple[Path, SiteReport]:
    start = time.monotonic()
    report = check_site(book_html, browser, screenshot_dir=SCREENSHOTS)
    print(f"\n[site] {report.counts()} in {time.monotonic() - start:.1f} s")
    (SCREENSHOTS / "report.json").write_text(
        json.dumps(
            {"counts": report.counts(), "pages": report.pages, "problems": report.problems},
            indent=1,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return book_html, report


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    external: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    p = context.new_page()
    p.external = external
    yield p
    context.close()


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture()
def good_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    _write(
        root,
        "index.html",
        '<html><body><h1 id="top">Home</h1><img src="_static/dot.png" alt="a dot">'
        '<a href="other.html#sec">other</a> <a href="https://example.org/">an external link</a>'
        "</body></html>",
    )
    _write(
        root,
        "other.html",
        '<html><body><h2 id="sec">Section</h2><a href="index.html#top">back</a></body></html>',
    )
    (root / "_static").mkdir()
    (root / "_static" / "dot.png").write_bytes(PNG_1PX)
    return root


# --------------------------------------------------------------------------------------------
# Tests of the checker (tiny fixtures)
# --------------------------------------------------------------------------------------------


def test_checker_passes_a_good_site(good_site: Path, browser: object):
    report = check_site(good_site, browser, screenshot_dir=None)
    assert report.problems == []
    assert report.pages == ["index.html", "other.html"]
    assert report.images == 1 and report.links_checked == 2 and report.anchors_checked == 2
    assert report.external_links == 1  # a link, not a request


def test_checker_finds_a_broken_image(good_site: Path, browser: object):
    _write(
        good_site,
        "broken.html",
        '<html><body><img src="missing.png" alt="x"><img src="_static/dot.png"></body></html>',
    )
    report = check_site(good_site, browser)
    assert "broken image: broken.html: " in "\n".join(report.problems)
    assert any("missing.png did not load" in p for p in report.broken_images)
    assert any("dot.png has no alt text" in p for p in report.broken_images)
    assert any("404" in p and "missing.png" in p for p in report.failed_responses)


def test_checker_finds_broken_links_and_anchors(good_site: Path, browser: object):
    _write(
        good_site,
        "links.html",
        '<html><body><a href="nowhere.html">x</a>'
        '<a href="other.html#no-such-id">y</a></body></html>',
    )
    report = check_site(good_site, browser)
    assert any("links.html -> " in p and "(no file nowhere.html)" in p for p in report.broken_links)
    assert any("(no id 'no-such-id' in other.html)" in p for p in report.broken_links)


def test_checker_finds_an_external_script(good_site: Path, browser: object):
    _write(
        good_site,
        "cdn.html",
        '<html><head><script src="https://cdn.example.org/x.js">'
        "</script></head><body>cdn</body></html>",
    )
    report = check_site(good_site, browser)
    assert report.external_requests == ["cdn.html: https://cdn.example.org/x.js"]
    assert report.static_external == ["cdn.html: <script src> https://cdn.example.org/x.js"]


def test_checker_finds_console_errors_and_untypeset_math(good_site: Path, browser: object):
    _write(
        good_site,
        "err.html",
        '<html><body><script>console.error("planted")</script>'
        '<script>undefinedFunction()</script><span class="math">\\(x\\)</span></body></html>',
    )
    report = check_site(good_site, browser)
    errors = "\n".join(report.console_errors)
    assert "err.html: planted" in errors and "undefinedFunction" in errors
    assert report.untypeset_math == ["err.html: has math but no MathJax output"]


def test_checker_finds_a_page_wider_than_a_phone(good_site: Path, browser: object):
    cells = "".join(f"<td>column-{i}-value</td>" for i in range(40))
    _write(
        good_site,
        "wide.html",
        f"<html><body><table><tr>{cells}</tr></table>"
        f'<div style="overflow-x:auto"><table><tr>{cells}</tr></table></div></body></html>',
    )
    report = check_site(good_site, browser)
    assert [o[: o.index(" px")] for o in report.overflow] == [
        "wide.html at 1280",
        "wide.html at 390",
    ]
    assert "(not scrolling inside the column: table. right=" in report.overflow[1]


def test_static_scan_sees_styles_fonts_and_css():
    page = (
        '<link rel="stylesheet" href="https://fonts.example.com/css">'
        '<link rel="canonical" href="https://example.org/page">'
        '<img srcset="a.png 1x, //cdn.example.org/b.png 2x" alt="b">'
        '<div style="background: url(https://img.example.org/bg.png)"></div>'
        "<style>@font-face { src: url('https://fonts.example.com/f.woff2'); }</style>"
        '<a href="https://example.org/">a link</a><script src="_static/local.js"></script>'
    )
    assert static_external_refs(page) == [
        "<link rel=stylesheet> https://fonts.example.com/css",
        "<img srcset> //cdn.example.org/b.png",
        "<div style> https://img.example.org/bg.png",
        "<style> https://fonts.example.com/f.woff2",
    ]
    assert static_external_refs("@import 'https://x.example/a.css'; a{}", css=True) == [
        "css https://x.example/a.css"
    ]


_PATH = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-./", min_size=1, max_size=30)
_TAG_ATTR = st.sampled_from(
    [("script", "src"), ("img", "src"), ("iframe", "src"), ("link rel='stylesheet'", "href")]
)


@settings(max_examples=50, deadline=None)
@given(path=_PATH, tag_attr=_TAG_ATTR, scheme=st.sampled_from(["https://", "http://", "//"]))
def test_static_scan_flags_remote_and_never_local(path: str, tag_attr, scheme: str):
    """Property: the same resource is reported when it names another host and never when it is a
    path on the site; ``<a href>`` to another host is never reported (a link, not a request)."""
    tag, attr = tag_attr
    name = tag.split()[0]
    local = f'<{tag} {attr}="{path.lstrip("/") or "x"}"></{name}>'
    remote = f'<{tag} {attr}="{scheme}cdn.example.org/{path}"></{name}>'
    link = f'<a href="{scheme}example.org/{path}">x</a>'
    assert static_external_refs(local) == []
    assert static_external_refs(link) == []
    found = static_external_refs(remote)
    assert len(found) == 1 and found[0].endswith(f"{scheme}cdn.example.org/{path}")


def test_cjk_check_tells_glyphs_from_tofu(browser: object, tmp_path: Path):
    """Real glyphs differ from each other; characters no installed font has (Plane-15 private use)
    all draw the same missing-glyph box."""
    _write(
        tmp_path,
        "cjk.html",
        f'<html><head><meta charset="utf-8"></head><body><p>{CJK_TERM}</p><p>\U000ffffd\U000ffffe</p></body></html>',
    )
    context = browser.new_context()
    p = context.new_page()
    with serve(tmp_path) as base:
        p.goto(base + "cjk.html")
        real = cjk_rendering(p, CJK_TERM)
        tofu = cjk_rendering(p, "\U000ffffd\U000ffffe")
    context.close()
    assert real["found"] and real["width"] > 0 and real["distinct"] == 4 and real["unlikeTofu"]
    assert tofu["found"] and tofu["distinct"] == 1
    assert cjk_rendering.__doc__


def test_staging_collapses_parameters_and_data_preparation(tmp_path: Path):
    """The runner's staging step (tools.run.prepare_staged_notebook) on a hand-made executed
    notebook: each kind of cell gets the tags the docstring promises."""
    import nbformat

    from tools.run import Chapter, prepare_staged_notebook

    def code(tags=(), outputs=()):
        cell = nbformat.v4.new_code_cell("x = 1")
        cell.metadata["tags"] = list(tags)
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        return cell

    figure = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "F"}}
    table = {
        "output_type": "execute_result",
        "data": {"text/html": "<table/>"},
        "metadata": {},
        "execution_count": 1,
    }
    glued = {
        "output_type": "display_data",
        "metadata": {"scrapbook": {"name": "n"}},
        "data": {"application/papermill.record/text/plain": "1.0"},
    }
    printed = {"output_type": "stream", "name": "stdout", "text": "hello\n"}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        code(["parameters"]),
        code(["injected-parameters"]),
        code(),  # prepares data, shows nothing
        code(outputs=[glued]),  # glue with display=False
        code(outputs=[figure]),
        code(outputs=[table]),
        code(outputs=[printed]),  # prints: stays open
        code(["show-input"], outputs=[figure]),  # the author wants the code shown
        code(["remove-cell"]),
    ]
    path = tmp_path / "ch.ipynb"
    nbformat.write(nb, path)
    chapter = Chapter(name="chapters/09_demo", source=path)
    prepare_staged_notebook(path, chapter, {"DATA_DIR": "../../data", "SEED": 7})
    cells = nbformat.read(path, as_version=4).cells
    tags = [c.metadata.get("tags", []) for c in cells]
    assert tags == [
        [],
        ["parameters", "hide-cell"],
        ["injected-parameters", "hide-cell"],
        ["rerun-note"],
        ["hide-input"],
        ["hide-input"],
        ["hide-input"],
        ["hide-input"],
        [],
        ["show-input"],
        ["remove-cell"],
    ]
    note = cells[3].source
    assert "make chapter CH=09_demo PARAMS='-p NAME VALUE'" in note
    assert "`DATA_DIR = '../../data'`, `SEED = 7`" in note and ":class: dropdown" in note
    assert cells[2].metadata["mystnb"]["code_prompt_show"].endswith("(injected by the runner)")


# --------------------------------------------------------------------------------------------
# The built book
# --------------------------------------------------------------------------------------------


def test_every_page_loads_without_console_errors(site):
    root, report = site
    assert set(site_pages(root)) <= set(report.pages)
    assert len(report.pages) >= 8, report.pages
    assert {p: s for p, s in report.statuses.items() if s != 200} == {}
    assert report.console_errors == [], "\n".join(report.console_errors)
    assert report.failed_responses == [], "\n".join(report.failed_responses)


def test_site_is_self_contained(site):
    _, report = site
    assert report.external_requests == [], "\n".join(report.external_requests)
    assert report.static_external == [], "\n".join(report.static_external)


def test_no_page_is_wider_than_the_screen(site):
    """Wide tables, code and math scroll inside the text column (book/_static/mcounty.css)."""
    _, report = site
    assert report.overflow == [], "\n".join(report.overflow)


def test_images_load_and_have_alt_text(site):
    _, report = site
    assert report.broken_images == [], "\n".join(report.broken_images)


def test_internal_links_and_anchors_resolve(site):
    _, report = site
    assert report.links_checked > 50
    assert report.broken_links == [], "\n".join(report.broken_links)


def test_math_is_typeset_from_the_local_mathjax(site):
    root, report = site
    assert report.math_pages, "no page has math: the chapters' formulas should be typeset"
    assert report.untypeset_math == [], "\n".join(report.untypeset_math)
    assert (root / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (root / "print" / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_screenshots_at_both_widths(site):
    _, report = site
    shown = [p for p in report.pages if p not in report.redirects]
    assert {"index.html", "print/index.html", "print/search.html"} <= set(report.redirects)
    for width in (1280, 390):
        shots = sorted((SCREENSHOTS / str(width)).glob("*.png"))
        assert [s.name for s in shots] == sorted(
            p.replace("/", "__").removesuffix(".html") + ".png" for p in shown
        )
        assert all(s.stat().st_size > 5000 for s in shots), "an empty screenshot"


def test_print_edition_is_linked_and_complete(site, page):
    root, report = site
    assert "print/intro.html" in report.pages
    intro = (root / "intro.html").read_text(encoding="utf-8")
    assert 'href="print/index.html"' in intro, "the title page does not link the print edition"
    single = (root / "print" / "intro.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in single, "the print edition does not link back to the site"
    assert "Precision Poverty Alleviation in M County: an executable" in single
    assert 'logo__title">None<' not in single
    with serve(root) as base:
        page.goto(base + "print/index.html", wait_until="load")
        page.wait_for_url("**/print/intro.html")
        headings = page.eval_on_selector_all("h1, h2", "els => els.map(e => e.textContent)")
    joined = " ".join(headings)
    for title in ("Performance scoring", "Glossary", "Bibliography"):
        assert title.lower() in joined.lower(), f"{title!r} missing from the print edition"
    assert page.external == []


def test_search_finds_the_scoring_chapter(site, page):
    root, _ = site
    with serve(root) as base:
        page.goto(base + "search.html?q=TOPSIS", wait_until="load")
        page.wait_for_selector("#search-results li a", timeout=20000)
        hrefs = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
    assert any(f"{SCORING}.html" in h for h in hrefs), hrefs
    assert page.external == []


def test_download_gives_the_executed_notebook(site, page):
    root, _ = site
    with serve(root) as base:
        page.goto(base + f"{SCORING}.html", wait_until="load")
        links = page.eval_on_selector_all(
            ".dropdown-download-buttons .dropdown-item",
            "els => els.map(e => [e.textContent.trim(), e.href || ''])",
        )
        labels = {label for label, _ in links}
        assert ".ipynb" in labels and ".pdf" in labels, links
        url = next(h for label, h in links if label == ".ipynb")
        assert url == urljoin(base, f"_sources/{SCORING}.ipynb")
        response = page.request.get(url)
        assert response.status == 200
        nb = json.loads(response.body())
        page.goto(base + "appendix/reproducibility.html", wait_until="load")
        md = page.eval_on_selector_all(
            ".dropdown-download-buttons .dropdown-item", "els => els.map(e => e.textContent.trim())"
        )
    assert ".md" in md, md
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    with_outputs = [c for c in code if c.get("outputs")]
    assert len(with_outputs) >= 3, "the downloaded notebook has no outputs: not the executed copy"
    assert all(c.get("execution_count") for c in code), "cells without execution count"
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in code)


def test_glossary_renders_chinese(site, page):
    root, report = site
    assert f"{GLOSSARY}.html" in report.pages, f"{GLOSSARY} is not in the book"
    with serve(root) as base:
        page.goto(base + f"{GLOSSARY}.html", wait_until="load")
        result = cjk_rendering(page, CJK_TERM)
    assert result["found"], f"{CJK_TERM} is not in the glossary's DOM"
    assert result["width"] > 0 and result["inked"], result
    assert result["distinct"] == len(CJK_TERM) and result["unlikeTofu"], (
        f"the glossary's Chinese renders as tofu (no CJK font; apt-get install fonts-wqy-zenhei): "
        f"{result}"
    )


def _chapter_notebook_pages(root: Path) -> list[Path]:
    """Built chapter pages whose source is a notebook (the literature chapter is Markdown: it has
    no parameters, no code cells and no notebook download)."""
    sources = REPO / "book" / "chapters"
    return [
        html
        for html in sorted((root / "chapters").glob("*.html"))
        if (sources / f"{html.stem}.ipynb").is_file()
    ]


def test_parameters_cells_are_collapsed_with_a_rerun_note(site):
    root, _ = site
    for html in _chapter_notebook_pages(root):
        text = html.read_text(encoding="utf-8")
        assert "rerun-note" in text, f"{html.name}: no note on rerunning with other parameters"
        assert "make chapter CH=" in text
        assert (
            "Show the chapter&#x27;s parameters" in text or "Show the chapter's parameters" in text
        )


def test_code_behind_figures_is_collapsed(site):
    """Where a figure is the point, its code is behind a "show code" button (not in the way)."""
    root, _ = site
    open_code = []
    for html in _chapter_notebook_pages(root):
        text = html.read_text(encoding="utf-8")
        starts = [m.start() for m in re.finditer(r'<div class="cell[ "]', text)]
        for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
            chunk = text[begin:end]
            classes = chunk[: chunk.index(">")]
            if (
                "<img" in chunk
                and "cell_input" in chunk
                and not re.search(r"tag_(hide|remove)-(input|cell)|tag_show-input", classes)
            ):
                open_code.append(f"{html.name}: {classes}")
    assert open_code == [], "\n".join(open_code)


def test_glue_values_are_not_echoed(site):
    """``glue(..., display=False)`` only: a displayed glue output (scrapbook metadata without the
    papermill-record prefix) would show the value a second time as a stray cell output."""
    root, _ = site
    stray = []
    for nb_path in sorted((root / "_sources" / "chapters").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            for out in cell.get("outputs", []):
                book = out.get("metadata", {}).get("scrapbook")
                if book is not None and book.get("mime_prefix", "") == "":
                    stray.append(f"{nb_path.name} cell {index}: glue {book.get('name')!r}")
    assert stray == [], "glue with display=True (use display=False):\n" + "\n".join(stray)


def test_site_configuration_in_the_pages(site):
    root, report = site
    text = (root / f"{SCORING}.html").read_text(encoding="utf-8")
    config = yaml.safe_load((REPO / "book" / "_config.yml").read_text(encoding="utf-8"))
    repo = (config["repository"]["url"] or "").rstrip("/")
    if repo:  # the buttons follow book/_config.yml's repository.url, set in that one place
        assert f'href="{repo}"' in text
        assert "https://mybinder.org/v2/gh/" in text
    else:
        assert "mybinder.org" not in text and "fa-github" not in text
    assert "git-pull?repo=" not in text  # no JupyterHub button without a configured hub
    assert "THEBE_JS_URL" not in text and "sphinx-thebe" not in text
    assert 'data-default-mode="light"' in text
    for math_page in report.math_pages:
        math_html = (root / math_page).read_text(encoding="utf-8")
        assert "_static/mathjax/tex-chtml.js" in math_html, math_page
        assert "cdn.jsdelivr" not in math_html and "mathjax@" not in math_html
    reproducibility = (root / "appendix" / "reproducibility.html").read_text(encoding="utf-8")
    assert "RUN-SUMMARY" not in reproducibility and "chapters/04_scoring" in reproducibility
    assert "<table" in reproducibility
    assert (root / "search.html").is_file() and (root / "genindex.html").is_file()
    chapters = "".join(p.read_text(encoding="utf-8") for p in (root / "chapters").glob("*.html"))
    everything = chapters + "".join(
        p.read_text(encoding="utf-8") for p in (root / "appendix").glob("*.html")
    )
    assert re.search(r'std-numref">Fig\. \d+\.\d+', chapters), "no numbered figure reference"
    assert re.search(r'<span class="eqno">\(\d+', everything), "no numbered equation"


# --------------------------------------------------------------------------------------------
# Notebook pages as MyST Markdown (book/_ext/mcounty_site.py: notebook_to_myst, ".md" download)
# --------------------------------------------------------------------------------------------


def _site_extension():
    """The book's Sphinx extension, imported from its file (it is not part of the package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "mcounty_site", REPO / "book" / "_ext" / "mcounty_site.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _glue_output(name: str, value: str) -> dict:
    """What ``myst_nb.glue(name, value, display=False)`` stores in the notebook."""
    return {
        "output_type": "display_data",
        "metadata": {"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}},
        "data": {"application/papermill.record/text/plain": value},
    }


def _demo_notebook():
    import nbformat

    v4 = nbformat.v4
    nb = v4.new_notebook(
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "papermill": {"input_path": "/somewhere/on/a/machine.ipynb"},
        }
    )
    glue = v4.new_code_cell("glue('pi', 3.14159, display=False)")
    glue.metadata["tags"] = ["hide-input"]
    glue.metadata["papermill"] = {"duration": 0.5}
    glue.outputs = [
        nbformat.from_dict(_glue_output("pi", "3.14159")),
        nbformat.from_dict(_glue_output("town", "'Town A'")),
        nbformat.from_dict(_glue_output("n", "12345")),
    ]
    printing = v4.new_code_cell('print("hello")\nprint("world")')
    printing.outputs = [
        nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": "hello\n"}),
        nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": "world\n"}),
        nbformat.from_dict(
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {"image/png": "iVBOR", "text/plain": "<Figure size 640x480>"},
            }
        ),
        nbformat.from_dict(
            {
                "output_type": "execute_result",
                "execution_count": 2,
                "metadata": {},
                "data": {"text/html": "<table/>", "text/plain": "   a\n0  1"},
            }
        ),
    ]
    fenced = v4.new_code_cell('doc = """\n```python\nx = 1\n```\n"""')  # a fence in the code
    hidden = v4.new_code_cell("print('not on the page')")
    hidden.metadata["tags"] = ["remove-output"]
    hidden.outputs = [
        nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": "secret\n"})
    ]
    failing = v4.new_code_cell("raise ValueError('bad input')")
    failing.outputs = [
        nbformat.from_dict(
            {
                "output_type": "error",
                "ename": "ValueError",
                "evalue": "bad input",
                "traceback": ["\x1b[31mValueError\x1b[0m: bad input"],
            }
        )
    ]
    note = v4.new_markdown_cell("A note.")
    note.metadata["tags"] = ["rerun-note"]
    nb.cells = [
        v4.new_markdown_cell("# Demo chapter\n\nPi is {glue:text}`pi:.2f`, first {glue:}`town`."),
        glue,
        v4.new_markdown_cell(
            "Households: {glue:text}`n:,.0f`; {glue:text}`other::key` and "
            "{glue:text}`missing` stay roles.\n\n```{glue:figure} fig\n:alt: A figure.\n```"
        ),
        v4.new_markdown_cell("A second Markdown cell."),
        note,
        printing,
        fenced,
        hidden,
        failing,
        v4.new_raw_cell("raw text"),
    ]
    return nb


def test_notebook_to_myst_renders_code_outputs_and_glued_values():
    """Hand-made executed notebook; every expected string is derived by hand: ``3.14159`` with
    ``.2f`` is ``3.14`` and ``12345`` with ``,.0f`` is ``12,345`` (Python format specification
    mini-language), the repr ``'Town A'`` pastes without quotes (myst-nb's glue:text)."""
    ext = _site_extension()
    text = ext.notebook_to_myst(_demo_notebook())
    assert text.startswith("---\njupytext:\n  text_representation:\n")
    assert "format_name: myst" in text and "name: python3" in text
    assert "Pi is 3.14, first Town A." in text
    assert "Households: 12,345; {glue:text}`other::key` and {glue:text}`missing` stay" in text
    assert "```{glue:figure} fig\n:alt: A figure.\n```" in text
    assert "```{code-cell} ipython3\n:tags: [hide-input]\n\nglue('pi'" in text
    assert "\n\n+++\n\nA second Markdown cell." in text
    assert '\n\n+++ {"tags": ["rerun-note"]}\n\nA note.' in text
    assert "```text\nhello\nworld\n```" in text  # consecutive streams merged, as on the page
    assert "*(a figure: see this page in the book)*" in text
    assert "```text\n   a\n0  1\n```" in text and "<table/>" not in text
    assert '````{code-cell} ipython3\ndoc = """\n```python\nx = 1\n```\n"""\n````' in text
    assert "print('not on the page')" in text and "secret" not in text
    assert "```text\nValueError: bad input\n```" in text and "\x1b" not in text
    assert "```{raw-cell}\nraw text\n```" in text
    assert "12345" not in text and "'Town A'" not in text, "a glue record shown as an output"
    assert "papermill" not in text and "/somewhere" not in text and "duration" not in text


def test_notebook_to_myst_reads_back_with_myst_nb():
    """Cross-check with an independent reader: myst-nb's own MyST-notebook reader
    (myst_nb.core.read.read_myst_markdown_notebook) recovers every code cell's source, tags and
    myst-nb options, the raw cell, and the tags of Markdown cells."""
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    ext = _site_extension()
    nb = _demo_notebook()
    nb.cells[1].metadata["mystnb"] = {"code_prompt_show": "Show the chapter's parameters"}
    text = ext.notebook_to_myst(nb)
    assert is_myst_markdown_notebook(text)
    back = read_myst_markdown_notebook(text)
    for kind in ("code", "raw"):
        ours = [c for c in nb.cells if c.cell_type == kind]
        theirs = [c for c in back.cells if c.cell_type == kind]
        assert [c.source for c in theirs] == [c.source for c in ours]
        assert [c.metadata.get("tags", []) for c in theirs] == [
            c.metadata.get("tags", []) for c in ours
        ]
    assert back.cells[1].metadata["mystnb"] == nb.cells[1].metadata["mystnb"]
    assert back.metadata["kernelspec"]["name"] == "python3"
    tagged = [c.metadata["tags"] for c in back.cells if c.metadata.get("tags")]
    assert ["rerun-note"] in tagged


def test_notebook_to_myst_rejects_what_is_not_a_notebook():
    ext = _site_extension()
    with pytest.raises(ValueError, match=r"nb: not a Jupyter notebook \(no 'cells' list\)"):
        ext.notebook_to_myst({"metadata": {}})
    with pytest.raises(ValueError, match=r"nb: not a Jupyter notebook"):
        ext.notebook_to_myst(["not", "a", "dict"])
    bad = {"cells": [{"cell_type": "markdown", "source": "x"}, {"cell_type": "bogus"}]}
    with pytest.raises(ValueError, match=r"nb: cell 1 has cell_type 'bogus'; a notebook cell is"):
        ext.notebook_to_myst(bad)


_CODE = st.text(
    alphabet=st.sampled_from(list("ab`\n #:{}-+=~'\"")), min_size=1, max_size=60
).filter(lambda s: s.strip() and s == s.strip() and not s.startswith((":", "---")))


@settings(max_examples=50, deadline=None)
@given(sources=st.lists(_CODE, min_size=1, max_size=4))
def test_code_cells_survive_any_backticks(sources: list[str]):
    """Property: whatever backtick runs, colons or cell breaks a code cell holds, myst-nb reads the
    rendering back into the same code cells (each fence is longer than any run inside it)."""
    import nbformat
    from myst_nb.core.read import read_myst_markdown_notebook

    ext = _site_extension()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    back = read_myst_markdown_notebook(ext.notebook_to_myst(nb))
    assert [c.source for c in back.cells if c.cell_type == "code"] == sources


@settings(max_examples=50, deadline=None)
@given(
    value=st.floats(allow_nan=False, allow_infinity=False, width=64),
    fmt=st.sampled_from([".0f", ".1f", ".2f", ",.0f", "+.1f", "g", ".2g", ".3e", ".1%"]),
)
def test_pasted_glue_equals_python_format(value: float, fmt: str):
    """Property: a glued float, stored as its repr, pastes as ``format(value, fmt)``."""
    ext = _site_extension()
    pasted = ext.paste_glue(f"x = {{glue:text}}`k:{fmt}`.", {"k": repr(value)})
    assert pasted == f"x = {format(value, fmt)}."


def test_markdown_download_item_follows_the_notebook_item(tmp_path: Path):
    """The html-page-context handler on a stub app: writes ``_sources/<page>.md``, inserts the
    ".md" item right after ".ipynb" with a page-relative url, and does nothing on a Markdown page,
    in the print edition, or when the theme's download button is off."""
    from types import SimpleNamespace

    import nbformat

    ext = _site_extension()
    source = tmp_path / "src" / "chapters" / "09_demo.ipynb"
    source.parent.mkdir(parents=True)
    nbformat.write(_demo_notebook(), source)

    def app(builder: str = "html"):
        return SimpleNamespace(
            builder=SimpleNamespace(name=builder),
            env=SimpleNamespace(doc2path=lambda name: str(tmp_path / "src" / f"{name}.ipynb")),
            outdir=str(tmp_path / "out"),
        )

    def context(suffix: str = ".ipynb", with_group: bool = True) -> dict:
        group = {
            "type": "group",
            "label": "download-buttons",
            "buttons": [
                {"type": "link", "text": ".ipynb", "url": "../_sources/chapters/09_demo.ipynb"},
                {"type": "javascript", "text": ".pdf", "javascript": "window.print()"},
            ],
        }
        return {
            "page_source_suffix": suffix,
            "pathto": lambda name, resource: f"../{name}",
            "header_buttons": [group] if with_group else [],
        }

    for args, ctx in [
        (app("singlehtml"), context()),
        (app(), context(".md")),
        (app(), context(with_group=False)),
    ]:
        ext.markdown_download(args, "chapters/09_demo", "page.html", ctx, None)
        texts = [b["text"] for g in ctx["header_buttons"] for b in g["buttons"]]
        assert ".md" not in texts
    assert not (tmp_path / "out").exists()

    ctx = context()
    ext.markdown_download(app(), "chapters/09_demo", "page.html", ctx, None)
    buttons = ctx["header_buttons"][0]["buttons"]
    assert [b["text"] for b in buttons] == [".ipynb", ".md", ".pdf"]
    assert buttons[1]["url"] == "../_sources/chapters/09_demo.md"
    assert set(buttons[1]) == {"type", "url", "text", "icon", "tooltip", "label"}
    written = (tmp_path / "out" / "_sources" / "chapters" / "09_demo.md").read_text("utf-8")
    assert "# Demo chapter" in written and "Pi is 3.14" in written


def _notebook_pages(root: Path) -> list[str]:
    """Pages built from a notebook: those whose source in ``_sources`` is an ``.ipynb``."""
    return sorted(
        str(p.relative_to(root / "_sources").with_suffix(""))
        for p in (root / "_sources").rglob("*.ipynb")
    )


def test_notebook_pages_download_as_myst_markdown(site, page):
    """Every chapter (notebook) page: the download menu offers ".md" after ".ipynb"; the linked
    file is served, is a MyST notebook of that chapter (its title, its code cells as
    ``{code-cell}`` blocks, as myst-nb reads them back) and holds the values the executed
    notebook glued into the page (every ``pasted-text`` span of the page) and its printed tables."""
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    root, _ = site
    pages = _notebook_pages(root)
    assert {f"chapters/{p.stem}" for p in _chapter_notebook_pages(root)} <= set(pages)
    checked = 0
    with serve(root) as base:
        for name in pages:
            page.goto(base + f"{name}.html", wait_until="load")
            links = page.eval_on_selector_all(
                ".dropdown-download-buttons .dropdown-item",
                "els => els.map(e => [e.textContent.trim(), e.href || ''])",
            )
            assert [label for label, _ in links] == [".ipynb", ".md", ".pdf"], (name, links)
            url = dict(links)[".md"]
            assert url == urljoin(base, f"_sources/{name}.md"), (name, url)
            response = page.request.get(url)
            assert response.status == 200, (name, url, response.status)
            text = response.text()
            title = page.eval_on_selector("main h1", "e => e.textContent")
            title = re.sub(r"^\s*[\d.]*\s*|#\s*$", "", title).strip()
            pasted = page.eval_on_selector_all(
                "span.pasted-text", "els => els.map(e => e.textContent)"
            )
            shown = page.eval_on_selector_all(
                ".cell_output .output.text_plain pre, .cell_output .output.stream pre",
                "els => els.map(e => e.textContent)",
            )
            assert f"\n# {title}\n" in text, f"{name}.md lacks the title {title!r}"
            assert "```{code-cell} ipython3" in text, name
            assert is_myst_markdown_notebook(text), name
            if name.startswith("chapters/"):
                assert pasted, f"{name}: no glued value on the page to look for"

            # Sphinx's smartquotes curl the apostrophes and quotes of the rendered page only
            def plain(s: str) -> str:
                return s.translate(
                    str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
                )

            missing = sorted({v for v in pasted if plain(v) not in plain(text)})
            assert missing == [], f"{name}.md lacks glued values shown on the page: {missing}"
            assert all(s.strip() in text for s in shown), name
            nb = json.loads((root / "_sources" / f"{name}.ipynb").read_text(encoding="utf-8"))
            code = ["".join(c["source"]).rstrip() for c in nb["cells"] if c["cell_type"] == "code"]
            back = read_myst_markdown_notebook(text)
            assert [c.source.rstrip() for c in back.cells if c.cell_type == "code"] == code
            assert "input_path" not in text and "papermill" not in text.split("\n---\n", 1)[0]
            checked += 1
        page.goto(base + "appendix/reproducibility.html", wait_until="load")
        md_page = page.eval_on_selector_all(
            ".dropdown-download-buttons .dropdown-item", "els => els.map(e => e.textContent.trim())"
        )
    assert md_page == [".md", ".pdf"], "a Markdown page got a second .md item"
    assert checked >= 5 and page.external == []


# --------------------------------------------------------------------------------------------
# Issue 17: a data folder full of markup builds, and no script from it runs on any page
# --------------------------------------------------------------------------------------------

XSS = "<img src=x onerror=alert(1)>"


def _markup_book(tmp_path: Path) -> tuple[Path, Path]:
    """A small book built from a data folder named, and filled, with markup."""
    import csv
    import shutil

    import nbformat

    data = tmp_path / XSS
    shutil.copytree(REPO / "data", data)
    cb = data / "codebook.csv"
    rows = list(csv.reader(cb.read_text(encoding="utf-8").splitlines()))
    header = rows[0]
    rows[1][header.index("label_en")] = XSS
    rows[1][header.index("description")] = f"`{XSS}` {{raw}}`{XSS}` | {XSS}"
    extra = dict.fromkeys(header, "")
    extra.update({"file": f"`{XSS}`.csv", "column": XSS, "type": "string", "required": "no"})
    rows.append([extra[h] for h in header])
    with cb.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "appendix").mkdir()
    (book / "_config.yml").write_text(
        'title: Markup\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: "off"\n'
    )
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/one\n"
        "  - file: appendix/data\n  - file: appendix/reproducibility\n"
    )
    (book / "intro.md").write_text("# Markup book\n")
    (book / "appendix" / "reproducibility.md").write_text("# Run report\n\n<!-- RUN-SUMMARY -->\n")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell('DATA_DIR = "."\nVALUE = "x"  # any text')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# One\n\nThe value: {glue:text}`value`."),
        params,
        nbformat.v4.new_code_cell(
            "import pandas as pd\nfrom pathlib import Path\nfrom myst_nb import glue\n"
            "print(Path(DATA_DIR).name, VALUE)\nglue('value', VALUE, display=False)\n"
            "pd.DataFrame({VALUE: [VALUE, Path(DATA_DIR).name]}, index=[VALUE, 'x'])"
        ),
    ]
    nbformat.write(nb, book / "chapters" / "one.ipynb")
    real = nbformat.read(REPO / "book" / "appendix" / "data.ipynb", as_version=4)
    for cell in real.cells:
        if cell.cell_type == "markdown":
            cell.source = "# Data" if cell.source.startswith("# ") else "Text."
    nbformat.write(real, book / "appendix" / "data.ipynb")
    return book, data


@pytest.mark.slow
def test_markup_in_data_and_parameters_never_runs(tmp_path: Path, browser: object):
    from tools.run import run

    book, data = _markup_book(tmp_path)
    status = run(
        book_dir=book, data_dir=data, jobs=2, parameters={"VALUE": f"`{XSS}` | {{{{ x }}}}"}
    )
    assert status == 0, "the markup book did not build"
    site = book / "_build" / "html"
    pages = [p for p in site.rglob("*.html") if "_sources" not in p.parts]
    assert len(pages) >= 4
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text and '<img src="x"' not in text, path
        assert str(tmp_path) not in text, f"{path}: absolute path published"
    one = (site / "chapters" / "one.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in one  # shown as text
    injected, dialogs = _markup_probe(site, browser)
    assert injected == [], f"an element from the data reached these pages: {injected}"
    assert dialogs == [], f"a script from the data ran: {dialogs}"


def _markup_probe(site: Path, browser: object) -> tuple[list[str], list[str]]:
    """Visit every page; return the pages holding an injected element and every dialog opened."""
    dialogs: list[str] = []
    injected: list[str] = []
    with serve(site) as base:
        context = browser.new_context()
        context.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(base) else r.abort(),
        )
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for rel in site_pages(site):
            page.goto(urljoin(base, rel), wait_until="load")
            page.wait_for_load_state("networkidle")  # a page that forwards (print/search.html)
            if page.evaluate("document.querySelectorAll('img[src=\"x\"], [onerror]').length"):
                injected.append(rel)
        context.close()
    return injected, dialogs


def test_markup_probe_sees_a_script_run(tmp_path: Path, browser: object):
    """The probe of the markup test can fail: an unescaped value is seen and its alert caught."""
    _write(tmp_path, "index.html", f"<html><body><p>{XSS}</p></body></html>")
    _write(tmp_path, "ok.html", "<html><body><p>&lt;img src=x&gt;</p></body></html>")
    injected, dialogs = _markup_probe(tmp_path, browser)
    assert injected == ["index.html"] and dialogs == ["1"]
