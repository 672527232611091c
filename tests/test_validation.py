"""utils.methods._validation: the shared argument checks (each branch and its message)."""

import math

import numpy as np
import pandas as pd
import pytest

from utils.methods._validation import check_choice, check_fraction, check_frame, check_in_range


def test_check_choice():
    assert check_choice("ahp", ("ahp", "entropy"), "scheme") == "ahp"
    with pytest.raises(ValueError, match=r"^scheme: 'topsis' is not one of \['ahp', 'entropy'\]$"):
        check_choice("topsis", ("ahp", "entropy"), "scheme")
    with pytest.raises(ValueError, match=r"scheme: \['ahp'\] is not one of"):
        check_choice(["ahp"], ("ahp", "entropy"), "scheme")


@pytest.mark.parametrize("value", [0.5, 1e-9, np.float64(0.95)])
def test_check_fraction_accepts(value):
    assert check_fraction(value, "ci") == pytest.approx(float(value))


@pytest.mark.parametrize("value", [0, 1, -0.1, 1.5, math.nan, True, "0.5", None])
def test_check_fraction_rejects(value):
    with pytest.raises(ValueError, match=r"^ci: must be a number strictly between 0 and 1, got "):
        check_fraction(value, "ci")


def test_check_in_range_closed_and_open_ends():
    assert check_in_range(0, "alpha", 0, 1) == 0.0
    assert check_in_range(1, "alpha", 0, 1) == 1.0
    assert check_in_range(1, "t", 0, 1, low_open=True) == 1.0
    with pytest.raises(ValueError, match=r"^t: must be a number in \(0, 1\], got 0$"):
        check_in_range(0, "t", 0, 1, low_open=True)
    with pytest.raises(ValueError, match=r"^t: must be a number in \[0, 100\), got 100$"):
        check_in_range(100, "t", 0, 100, high_open=True)
    for bad in (math.inf, math.nan, True, "0.5", None, -1):
        with pytest.raises(ValueError, match=r"^alpha: must be a number in \[0, 1\], got "):
            check_in_range(bad, "alpha", 0, 1)


def test_check_frame_returns_the_frame_and_names_the_argument():
    df = pd.DataFrame({"a": [1]})
    assert check_frame(df, "data") is df
    with pytest.raises(ValueError, match=r"^survey: expected a pandas DataFrame, got list$"):
        check_frame([1, 2], "survey")
    with pytest.raises(ValueError, match=r"^data: is empty \(no rows or no columns\)$"):
        check_frame(pd.DataFrame({"a": []}), "data")
    with pytest.raises(ValueError, match=r"^df: is empty$"):
        check_frame(pd.DataFrame(index=[0, 1]), "df", empty="is empty")
