"""One call per section to glue the values that the chapter's prose cites.

The prose cites them as ``{glue:text}`ch4_overall_score:.1f``` (format where the value is used).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _plain(value: Any) -> Any:
    """numpy scalars become Python scalars (their repr in the executed notebook stays readable)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def glue_facts(prefix: str, /, **values: Any) -> dict[str, Any]:
    """Glue each keyword as ``{prefix}_{name}`` (not displayed) and return the glued mapping.

    Parameters
    ----------
    prefix : str
        The chapter's key prefix, e.g. ``"ch4"``.
    **values
        Name and value of each fact. numpy scalars are converted to Python scalars.

    Returns
    -------
    dict
        ``{"{prefix}_{name}": value}`` for every fact glued.

    Examples
    --------
    >>> facts = glue_facts("demo", n_households=np.int64(700), share=0.25)
    >>> sorted(facts)
    ['demo_n_households', 'demo_share']
    >>> _plain(np.float64(0.5)), _plain(3)
    (0.5, 3)
    """
    from myst_nb import glue  # imported here: utils stays importable without myst-nb

    if not prefix or not prefix.isidentifier():
        raise ValueError(f"prefix must be a plain identifier such as 'ch4', got {prefix!r}")
    glued = {}
    for name, value in values.items():
        key = f"{prefix}_{name}"
        glue(key, _plain(value), display=False)
        glued[key] = _plain(value)
    return glued


def glue_figure(key: str, fig: Any, *, simulated: bool) -> Any:
    """Glue a figure for a ``{glue:figure}`` directive; stamp figures of simulated data.

    Parameters
    ----------
    key : str
        The glue key (``"ch4_fig_radar"``).
    fig : matplotlib Figure
    simulated : bool
        Whether the figure shows simulated data; then :func:`utils.plots.mark_simulated` stamps
        a "Simulated data" mark inside the image (keyword-only, so every call says which).

    Examples
    --------
    >>> from utils.plots import BookFigure, has_simulated_mark
    >>> fig = BookFigure()
    >>> glue_figure("demo_fig", fig, simulated=True) is fig
    True
    >>> has_simulated_mark(fig)
    True
    """
    from myst_nb import glue

    from utils.plots import mark_simulated

    if not isinstance(simulated, bool):
        raise ValueError(f"simulated: must be True or False, got {simulated!r}")
    if simulated:
        mark_simulated(fig)
    glue(key, fig, display=False)
    return fig
