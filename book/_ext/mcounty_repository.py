"""Sphinx extension: the repository and launch buttons follow ``repository.url`` in book/_config.yml.

The book's public repository address is set in one place, ``repository.url`` in
``book/_config.yml``. Every button built from it (repository, issues, edit, Binder, JupyterHub)
is shown only when it is set to a real address:

- ``url`` empty: the buttons are removed (``use_repository_button``, ``use_issues_button`` and
  ``use_edit_page_button`` off; the Binder and JupyterHub launch buttons dropped), so no page links
  to an address that does not exist. Jupyter Book itself would refuse to build with the buttons on
  and no URL, which is why the switches live under ``sphinx.config.html_theme_options``.
- ``url`` (or a launch-button host) a placeholder such as ``github.com/OWNER/...`` or
  ``jupyterhub.example.org``: the build stops with an error naming the key, because a published
  placeholder is a broken link on every page.

Checked by tests/test_publishing.py (unit tests of :func:`repository_buttons` and a scan of the
built site for placeholder hosts).
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

#: Hosts and path segments that mark an address as a placeholder, not a real one.
PLACEHOLDER = re.compile(
    r"(?:^|[/.@])(?:example\.(?:org|com|net)|placeholder|your[-_]?(?:org|user|name|hub|repo)"
    r"|owner|username|user-name)(?:[/.:]|$)",
    flags=re.IGNORECASE,
)

REPOSITORY_BUTTONS = ("use_repository_button", "use_issues_button", "use_edit_page_button")
LAUNCH_HOSTS = ("binderhub_url", "jupyterhub_url")


def is_placeholder(url: str) -> bool:
    """True when ``url`` names a placeholder host or path (``example.org``, ``OWNER``, ...).

    Examples
    --------
    >>> is_placeholder("https://jupyterhub.example.org")
    True
    >>> is_placeholder("https://github.com/OWNER/mcounty-poverty-book")
    True
    >>> is_placeholder("https://github.com/mcounty-book/mcounty-poverty-book")
    False
    """
    return bool(PLACEHOLDER.search(url.strip()))


def repository_buttons(options: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``html_theme_options`` whose buttons follow ``repository_url``.

    Parameters
    ----------
    options : dict
        sphinx-book-theme's ``html_theme_options`` as Jupyter Book derives them from
        ``book/_config.yml`` (``repository_url``, ``use_*_button``, ``launch_buttons``).

    Returns
    -------
    dict
        The options with every repository and launch button off when ``repository_url`` is
        empty; unchanged otherwise.

    Raises
    ------
    sphinx.errors.ConfigError
        When ``repository_url`` or a launch host is a placeholder address.

    Examples
    --------
    >>> opts = {"repository_url": "", "use_repository_button": True,
    ...         "launch_buttons": {"binderhub_url": "https://mybinder.org", "thebe": False}}
    >>> out = repository_buttons(opts)
    >>> out["use_repository_button"], out["launch_buttons"]
    (False, {'thebe': False})
    """
    out = dict(options)
    launch = dict(out.get("launch_buttons") or {})
    url = str(out.get("repository_url") or "").strip()
    checked = {"repository.url": url} | {
        f"launch_buttons.{k}": str(launch.get(k) or "") for k in LAUNCH_HOSTS
    }
    for key, value in checked.items():
        if value and is_placeholder(value):
            raise ConfigError(
                f"book/_config.yml: {key} is a placeholder address ({value!r}); set the real "
                "address or leave it empty (an empty value hides the buttons built from it)"
            )
    if not url:
        for button in REPOSITORY_BUTTONS:
            out[button] = False
        for key in LAUNCH_HOSTS:
            launch.pop(key, None)
        out["launch_buttons"] = launch
    return out


def _apply(app: Sphinx, config: Config) -> None:
    config.html_theme_options = repository_buttons(dict(config.html_theme_options or {}))


def setup(app: Sphinx) -> dict[str, Any]:
    """Adjust the theme options once the configuration (and Jupyter Book's additions) is read."""
    app.connect("config-inited", _apply, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
