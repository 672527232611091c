"""Find the "simulated data" mark in a rendered PNG (shared by the plot and book tests).

The mark is drawn in :data:`utils.plots.SIMULATED_MARK_COLOR` on a white figure background, so
its anti-aliased pixels lie on the segment between white and that colour:
``1 - p = t * (1 - c)`` for one ``t`` in all three channels. Nothing else in the house style
uses that hue, so counting such pixels (with ``t`` large enough to be text, not a faint blend)
tells whether the mark is in the image.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib import image as mpimg

from utils.plots import SIMULATED_MARK_COLOR


def mark_pixels(png: bytes, tol: float = 0.04, t_min: float = 0.45) -> int:
    """Number of pixels of the PNG that look like mark text."""
    img = mpimg.imread(io.BytesIO(png), format="png")[..., :3].astype(float)
    dev = 1.0 - img  # distance from white, per channel
    c = 1.0 - np.asarray(SIMULATED_MARK_COLOR)
    t = dev @ c / (c @ c)  # least-squares blend factor
    resid = np.abs(dev - t[..., None] * c).max(axis=-1)
    return int(((t >= t_min) & (t <= 1.05) & (resid <= tol)).sum())
