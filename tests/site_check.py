"""Checks of a built static site in headless Chromium (Playwright), shared by tests/test_site_browser.py.

The site is served from a folder by a ``http.server`` on 127.0.0.1 in a thread; Debian's Chromium
(``/usr/bin/chromium``) is driven through Python Playwright (never ``playwright install``). Every
request to another host is recorded and aborted, so a site that is not self-contained shows up as
``external_requests`` instead of silently working online.

:func:`check_site` visits every page and returns a :class:`SiteReport`; :func:`static_external_refs`
scans HTML and CSS text for resources (scripts, styles, fonts, images, frames) loaded from another
host. The same functions are run on tiny broken fixtures in the tests, so that a checker that cannot
fail is caught.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (1280, 390)
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads"}
LOCAL_HOSTS = {"127.0.0.1"}


def chromium_missing_message() -> str:
    """Why the browser tests cannot run, and how to fix it."""
    return (
        f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. Install it with "
        "`bash scripts/ensure-chromium.sh` (as root; `make test` calls it) or `apt-get install "
        "chromium fonts-wqy-zenhei`."
    )


# --------------------------------------------------------------------------------------------
# Serving a folder
# --------------------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) in a thread; yield the base URL ending in ``/``."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------------------------
# Static checks on the files
# --------------------------------------------------------------------------------------------

# (tag, attribute) pairs that make the browser fetch something when the page opens. <a href> is a
# link the reader may follow, not a request, so it is not here.
_FETCHING = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("input", "src"),
}
# <link rel=...> values that fetch their href.
_FETCHING_RELS = {
    "stylesheet",
    "preload",
    "prefetch",
    "modulepreload",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "dns-prefetch",
    "preconnect",
}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)


def _is_remote(url: str) -> bool:
    url = url.strip()
    return url.startswith("//") or bool(re.match(r"(?i)https?://", url))


class _RefParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(values[key])
        for attr, value in values.items():
            if (tag, attr) in _FETCHING:
                urls = (
                    [u.strip().split(" ")[0] for u in value.split(",")]
                    if "srcset" in attr
                    else [value]
                )
                self.refs += [f"<{tag} {attr}> {u}" for u in urls if _is_remote(u)]
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & _FETCHING_RELS and _is_remote(values.get("href", "")):
                self.refs.append(f"<link rel={values.get('rel')}> {values['href']}")
        if values.get("style"):
            self.refs += [f"<{tag} style> {u}" for u in _CSS_URL.findall(values["style"])]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.refs += [f"<style> {u}" for u in _CSS_URL.findall(data)]


def static_external_refs(text: str, *, css: bool = False) -> list[str]:
    """Resources an HTML (or, with ``css=True``, a CSS) text loads from another host.

    HTML: ``src``/``srcset``/``data``/``poster`` of script, img, source, iframe, embed, object,
    video, audio, track; ``href`` of ``<link>`` with a fetching ``rel`` (stylesheet, preload, icon,
    ...); ``url(...)`` in ``<style>`` and ``style=""``. CSS: ``url(...)`` and ``@import``.
    Links (``<a href>``) are not requests and are not reported.
    """
    if css:
        return [f"css {u}" for u in _CSS_URL.findall(text)]
    parser = _RefParser()
    parser.feed(text)
    return parser.refs


@functools.lru_cache(maxsize=4096)
def _ids_of(path: Path, mtime_ns: int) -> frozenset[str]:
    parser = _RefParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def ids_in(path: Path) -> frozenset[str]:
    """Every ``id`` (and ``<a name>``) in an HTML file: the anchors a link may point at."""
    return _ids_of(path, path.stat().st_mtime_ns)


def site_pages(root: Path) -> list[str]:
    """Every HTML page of the site (relative POSIX paths), outside the asset folders."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root)
        if SKIP_DIRS & set(rel.parts[:-1]):
            continue
        pages.append(rel.as_posix())
    return pages


# --------------------------------------------------------------------------------------------
# The browser crawl
# --------------------------------------------------------------------------------------------


@dataclass
class SiteReport:
    """What a crawl of the site found. ``problems`` lists every failure as readable text."""

    pages: list[str] = field(default_factory=list)
    redirects: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    images: int = 0
    links_checked: int = 0
    anchors_checked: int = 0
    external_links: int = 0
    math_pages: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    untypeset_math: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    static_external: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Every failure found, one line each."""
        bad_status = [f"{p}: HTTP {s}" for p, s in self.statuses.items() if s != 200]
        return (
            bad_status
            + [f"console error: {e}" for e in self.console_errors]
            + [f"external request: {e}" for e in self.external_requests]
            + [f"broken image: {e}" for e in self.broken_images]
            + [f"broken link: {e}" for e in self.broken_links]
            + [f"math not typeset: {e}" for e in self.untypeset_math]
            + [f"failed response: {e}" for e in self.failed_responses]
            + [f"wider than the screen: {e}" for e in self.overflow]
            + [f"external resource in a file: {e}" for e in self.static_external]
        )

    def counts(self) -> str:
        """One line of counts for the test log."""
        return (
            f"pages {len(self.pages)}, images {self.images}, internal links {self.links_checked} "
            f"(anchors {self.anchors_checked}), external links not followed {self.external_links}, "
            f"pages with math {len(self.math_pages)}, console errors {len(self.console_errors)}, "
            f"external requests {len(self.external_requests)}, screenshots {len(self.screenshots)}"
        )


_IMAGES_JS = """
async () => {
  const imgs = [...document.images];
  for (const img of imgs) { img.loading = "eager"; }
  await Promise.all(imgs.map((img) => img.decode().catch(() => null)));
  return imgs.map((img) => ({
    src: img.currentSrc || img.getAttribute("src") || "",
    ok: img.complete && img.naturalWidth > 0,
    alt: (img.getAttribute("alt") || "").trim(),
  }));
}
"""

_MATH_JS = """
async () => {
  const hasMath = document.querySelector(".math, .amsmath, span.math, div.math") !== null;
  if (!hasMath) return {hasMath, typeset: 0, waited: false};
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) {
    try { await Promise.race([mj.startup.promise, new Promise((r) => setTimeout(r, 15000))]); }
    catch (e) { }
  } else {
    await new Promise((r) => setTimeout(r, 3000));
  }
  return {hasMath, typeset: document.querySelectorAll("mjx-container").length, waited: true};
}
"""


_REFRESH = re.compile(r"""http-equiv=["']?refresh["']?\s+content=["']\d+;\s*url=([^"'>]+)""", re.I)


_OVERFLOW_JS = """
() => {
  const W = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== "visible" || cs.position === "fixed") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= W + 1) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden" || cs.position === "fixed") continue;
    if (clipped(el)) continue;
    const p = el.parentElement.getBoundingClientRect();
    if (p.right > W + 1 && !clipped(el.parentElement) && el.parentElement !== document.body) continue;
    out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} right=${Math.round(r.right)}px`);
  }
  return {width: W, scrollWidth: document.documentElement.scrollWidth, culprits: out.slice(0, 5)};
}
"""
MAX_SHOT_HEIGHT = 20000  # px; the single-page edition is ~150 000 px tall at 390 px


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "javascript", "chrome", "devtools"}:
        return True
    return parts.hostname in LOCAL_HOSTS


def _check_link(root: Path, base: str, page_url: str, href: str, report: SiteReport) -> None:
    parts = urlsplit(href)
    if parts.scheme in {"mailto", "javascript", "tel", "data"}:
        return
    if not _is_local(href):
        report.external_links += 1
        return
    report.links_checked += 1
    path = unquote(parts.path)
    base_path = urlsplit(base).path
    rel = path[len(base_path) :] if path.startswith(base_path) else path.lstrip("/")
    target = root / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        report.broken_links.append(f"{page_url} -> {href} (no file {rel or 'index.html'})")
        return
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html":
        report.anchors_checked += 1
        if fragment not in ids_in(target):
            report.broken_links.append(f"{page_url} -> {href} (no id {fragment!r} in {rel})")


def check_site(
    root: Path,
    browser: object,
    *,
    screenshot_dir: Path | None = None,
    widths: tuple[int, ...] = WIDTHS,
) -> SiteReport:
    """Visit every page of the static site in ``root`` with ``browser`` (a Playwright Browser).

    For each page (every ``*.html`` outside the asset folders, plus any page reached by a link from
    ``index.html``): HTTP status 200; no console error and no uncaught exception; every ``<img>``
    decoded (``naturalWidth > 0``) with a non-empty ``alt``; every internal link (``<a href>``)
    names an existing file and, with a ``#fragment``, an existing ``id`` in it; where the page has
    math (``.math``), MathJax output (``mjx-container``) is present; no response >= 400 from the
    site; no request to a host other than 127.0.0.1 (recorded, then aborted). The HTML and CSS files
    are also scanned for external resources (:func:`static_external_refs`). With ``screenshot_dir``,
    a full-page screenshot per page and width is saved as ``<width>/<page>.png``.
    """
    report = SiteReport()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".html", ".htm", ".css"} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            refs = static_external_refs(text, css=path.suffix == ".css")
            rel = path.relative_to(root).as_posix()
            report.static_external += [f"{rel}: {r}" for r in refs]

    if screenshot_dir is not None:
        shutil.rmtree(screenshot_dir, ignore_errors=True)
    with serve(root) as base:
        context = browser.new_context(viewport={"width": widths[0], "height": 900})
        current: dict[str, str] = {"page": ""}

        def route(route_obj) -> None:
            url = route_obj.request.url
            if _is_local(url):
                route_obj.continue_()
            else:
                report.external_requests.append(f"{current['page']}: {url}")
                route_obj.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                report.console_errors.append(f"{current['page']}: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: report.console_errors.append(f"{current['page']}: {exc}"))
        page.on(
            "response",
            lambda resp: (
                report.failed_responses.append(f"{current['page']}: {resp.status} {resp.url}")
                if resp.status >= 400 and _is_local(resp.url)
                else None
            ),
        )

        queue = ["index.html", *site_pages(root)]
        seen: set[str] = set()
        while queue:
            rel = queue.pop(0)
            if rel in seen:
                continue
            seen.add(rel)
            report.pages.append(rel)
            current["page"] = rel
            url = urljoin(base, rel)
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
            refresh = _REFRESH.search(text)
            if refresh:  # a redirect stub (index.html -> intro.html): check its target only
                response = page.request.get(url)
                report.statuses[rel] = response.status
                report.redirects.append(rel)
                _check_link(root, base, rel, urljoin(url, refresh.group(1)), report)
                continue
            page.set_viewport_size({"width": widths[0], "height": 900})
            response = page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")
            report.statuses[rel] = response.status if response is not None else 0
            for img in page.evaluate(_IMAGES_JS):
                report.images += 1
                if not img["ok"]:
                    report.broken_images.append(f"{rel}: {img['src']} did not load")
                if not img["alt"]:
                    report.broken_images.append(f"{rel}: {img['src']} has no alt text")
            math = page.evaluate(_MATH_JS)
            if math["hasMath"]:
                report.math_pages.append(rel)
                if math["typeset"] == 0:
                    report.untypeset_math.append(f"{rel}: has math but no MathJax output")
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                _check_link(root, base, rel, href, report)
                if _is_local(href) and urlsplit(href).path.endswith(".html"):
                    target = urlsplit(href).path[len(urlsplit(base).path) :]
                    if (root / unquote(target)).is_file() and not (
                        SKIP_DIRS & set(Path(target).parts[:-1])
                    ):
                        queue.append(unquote(target))
            name = rel.replace("/", "__").removesuffix(".html") + ".png"
            for width in widths:
                page.set_viewport_size({"width": width, "height": 900})
                page.wait_for_timeout(100)
                wide = page.evaluate(_OVERFLOW_JS)
                if wide["scrollWidth"] > wide["width"] + 1:
                    report.overflow.append(
                        f"{rel} at {width} px: the page is {wide['scrollWidth']} px wide "
                        f"(not scrolling inside the column: {'; '.join(wide['culprits'])})"
                    )
                if screenshot_dir is None:
                    continue
                shot = screenshot_dir / str(width) / name
                shot.parent.mkdir(parents=True, exist_ok=True)
                height = page.evaluate("document.documentElement.scrollHeight")
                clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_HEIGHT)}
                page.screenshot(path=str(shot), full_page=True, clip=clip)
                report.screenshots.append(shot)
        context.close()
    return report


_CJK_JS = """
(text) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node = null;
  while (walker.nextNode()) {
    if (walker.currentNode.nodeValue.includes(text)) { node = walker.currentNode; break; }
  }
  if (!node) return {found: false};
  const el = node.parentElement;
  const range = document.createRange();
  range.selectNodeContents(node);
  const width = range.getBoundingClientRect().width;
  // Draw each character with the element's font; without a font that has the glyphs, every
  // character is the same "tofu" box (or empty), so the pictures are identical.
  const font = getComputedStyle(el).font;
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  const picture = (ch) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = font.replace(/\\d+(\\.\\d+)?px/, "40px");
    ctx.fillStyle = "#000";
    ctx.textBaseline = "top";
    ctx.fillText(ch, 4, 4);
    const data = ctx.getImageData(0, 0, 64, 64).data;
    let ink = 0, sig = "";
    for (let i = 3; i < data.length; i += 4) { if (data[i] > 128) ink++; sig += data[i] > 128 ? "1" : "0"; }
    return {ink, sig};
  };
  const chars = [...text];
  const pics = chars.map(picture);
  const tofu = picture("\\u{10FFFD}");
  const distinct = new Set(pics.map((p) => p.sig)).size;
  const inked = pics.every((p) => p.ink > 20);
  const unlikeTofu = pics.every((p) => p.sig !== tofu.sig);
  return {found: true, width, font, distinct, chars: chars.length, inked, unlikeTofu};
}
"""


def cjk_rendering(page: object, text: str) -> dict:
    """Whether ``text`` (Chinese) is on the open page and drawn with real glyphs, not tofu.

    Returns ``found``, the rendered ``width`` in px, the element's ``font``, and ``distinct``
    (how many different glyph pictures the characters give; all equal means tofu), ``inked``
    (every glyph draws something) and ``unlikeTofu`` (no glyph looks like the missing-glyph box).
    """
    return page.evaluate(_CJK_JS, text)


def chromium_available() -> bool:
    """``/usr/bin/chromium`` exists and is executable."""
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
