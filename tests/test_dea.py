"""Tests for utils.methods.dea: textbook examples with hand-derived scores, properties, validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from utils.methods.dea import dea

SETTINGS = settings(max_examples=25, deadline=None)

STORES = list("ABCDEFGH")


def one_in_one_out():
    """Cooper, Seiford & Tone (2007), *Data Envelopment Analysis*, 2nd ed., Springer, Table 1.1:
    eight branch stores, one input (employees) and one output (sales)."""
    X = pd.DataFrame({"employee": [2, 3, 3, 4, 5, 5, 6, 8]}, index=STORES)
    Y = pd.DataFrame({"sale": [1, 3, 2, 3, 4, 2, 3, 5]}, index=STORES)
    return X, Y


def two_in_one_out():
    """Two inputs (employees, floor area), one unit of output, seven stores in the style of
    Cooper, Seiford & Tone (2007, sec. 1.3). Expected scores below are derived by hand from the
    geometry of the unit isoquant (so they do not depend on recalling the book's table)."""
    idx = list("ABCDEFG")
    X = pd.DataFrame(
        {"employee": [4, 7, 8, 4, 2, 10, 3], "floor": [3, 3, 1, 2, 4, 1, 7]}, index=idx
    )
    Y = pd.DataFrame({"sales": [1] * 7}, index=idx)
    return X, Y


def test_ccr_one_input_one_output_is_ratio_over_best_ratio():
    """CST (2007) ch. 1: with one input and one output the CCR score is
    (y_o/x_o) / max_j (y_j/x_j). Ratios: A .5, B 1, C 2/3, D .75, E .8, F .4, G .5, H .625."""
    X, Y = one_in_one_out()
    r = dea(X, Y)
    ratio = Y["sale"] / X["employee"]
    np.testing.assert_allclose(r["efficiency"], ratio / ratio.max(), atol=1e-8)
    np.testing.assert_allclose(
        r["efficiency"], [0.5, 1, 2 / 3, 0.75, 0.8, 0.4, 0.5, 0.625], atol=1e-8
    )
    # CCR input and output orientations give the same score
    np.testing.assert_allclose(dea(X, Y, orientation="output")["efficiency"], r["efficiency"])
    assert list(r.index) == STORES
    assert r.loc["C", "peers"] == "B"


def test_bcc_one_input_one_output_hand():
    """BCC frontier of Table 1.1 by hand: points A(2,1), B(3,3), E(5,4), H(8,5) (concave
    piecewise-linear; slopes 2, 1/2, 1/3). Input orientation: C (3,2) -> on A-B at x = 2.5,
    theta = 5/6; D (4,3) -> B, 3/4; F (5,2) -> 2.5/5 = 1/2; G (6,3) -> 3/6 = 1/2.
    Output orientation: C -> y(3) = 3, 2/3; D -> y(4) on B-E = 3.5, 3/3.5 = 6/7;
    F -> y(5) = 4, 1/2; G -> y(6) on E-H = 13/3, 9/13."""
    X, Y = one_in_one_out()
    ri = dea(X, Y, model="bcc")
    np.testing.assert_allclose(ri["efficiency"], [1, 1, 5 / 6, 0.75, 1, 0.5, 0.5, 1], atol=1e-8)
    np.testing.assert_allclose(ri["vrste"], ri["efficiency"])
    ro = dea(X, Y, model="bcc", orientation="output")
    np.testing.assert_allclose(ro["efficiency"], [1, 1, 2 / 3, 6 / 7, 1, 0.5, 9 / 13, 1], atol=1e-8)
    assert ri.loc["C", "peers"] == "A, B"
    assert ro.loc["D", "peers"] == "B, E"


def test_returns_to_scale_hand():
    """A (2,1) is BCC-efficient at a smaller scale than B (the only CCR-efficient unit):
    increasing returns; H (8,5) is BCC-efficient beyond B: decreasing; B constant.
    Scale efficiency = CCR / BCC: A .5/1, H .625/1."""
    X, Y = one_in_one_out()
    r = dea(X, Y, model="bcc")
    assert r.loc["A", "returns_to_scale"] == "increasing"
    assert r.loc["H", "returns_to_scale"] == "decreasing"
    assert r.loc["B", "returns_to_scale"] == "constant"
    assert r.loc["A", "scale"] == pytest.approx(0.5)
    assert r.loc["H", "scale"] == pytest.approx(0.625)


def test_ccr_two_inputs_hand_geometry_and_slacks():
    """Unit isoquant (output 1): E(2,4) - D(4,2) - C(8,1), plus the weakly efficient extensions
    (x1 = 2 above E, x2 = 1 right of C).
    A(4,3): ray meets D-E (x1 + x2 = 6) at 7t = 6 -> 6/7, lambda_D = 5/7, lambda_E = 2/7.
    B(7,3): ray meets D-C (x1 + 4 x2 = 12) at 19t = 12 -> 12/19.
    F(10,1): already on x2 = 1: theta = 1 but slack of 2 employees (weakly efficient), peer C.
    G(3,7): meets x1 = 2 at t = 2/3, point (2, 14/3): slack of 14/3 - 4 = 2/3 floor, peer E."""
    X, Y = two_in_one_out()
    r = dea(X, Y)
    np.testing.assert_allclose(r["efficiency"], [6 / 7, 12 / 19, 1, 1, 1, 1, 2 / 3], atol=1e-8)
    assert r.loc["F", "slack_employee"] == pytest.approx(2.0)
    assert r.loc["F", "slack_floor"] == pytest.approx(0.0, abs=1e-8)
    assert r.loc["F", "peers"] == "C"
    assert r.loc["G", "slack_floor"] == pytest.approx(2 / 3)
    assert r.loc["G", "peers"] == "E"
    assert r.loc["A", "peers"] == "D, E"
    assert r.attrs["lambdas"]["A"] == pytest.approx({"D": 5 / 7, "E": 2 / 7})
    assert (
        r.loc[list("ABCDE"), ["slack_employee", "slack_floor", "slack_sales"]].abs().max().max()
        < 1e-8
    )
    assert list(r.columns) == [
        "efficiency",
        "crste",
        "vrste",
        "scale",
        "returns_to_scale",
        "slack_employee",
        "slack_floor",
        "slack_sales",
        "peers",
    ]


def test_output_slack_hand():
    """Two outputs, one input of 1 for every unit: P(4,1), Q(1,4), R(2,1), S(2,.5), T(3,.25).
    By hand, the output frontier is P-Q (y1 + y2 = 5) plus the weakly efficient segment from P
    down to (4, 0). R: on P-Q at 3t = 5 gives (10/3, 5/3) -> phi = 5/3, CCR = 3/5. S(2, 0.5):
    ray (2, .5)t meets the segment P-(4,0) at t = 2 -> (4, 1) = P, so phi = 2 and no slack;
    T(3, 0.25): t = 4/3 -> (4, 1/3), slack 2/3 in the second output, peer P."""
    idx = list("PQRST")
    X = pd.DataFrame({"x": [1.0] * 5}, index=idx)
    Y = pd.DataFrame({"y1": [4, 1, 2, 2, 3], "y2": [1, 4, 1, 0.5, 0.25]}, index=idx)
    r = dea(X, Y, orientation="output")
    np.testing.assert_allclose(r["efficiency"], [1, 1, 3 / 5, 1 / 2, 3 / 4], atol=1e-8)
    assert r.loc["T", "slack_y2"] == pytest.approx(2 / 3)
    assert r.loc["T", "slack_y1"] == pytest.approx(0, abs=1e-8)
    assert r.loc["T", "peers"] == "P"


def test_array_input_gets_default_labels():
    r = dea(np.array([[1.0], [2.0]]), np.array([[1.0], [1.0]]))
    assert list(r.index) == ["DMU1", "DMU2"]
    assert {"slack_x1", "slack_y1"} <= set(r.columns)
    np.testing.assert_allclose(r["efficiency"], [1, 0.5])


@st.composite
def dea_data(draw):
    n = draw(st.integers(2, 8))
    m = draw(st.integers(1, 3))
    s = draw(st.integers(1, 2))
    X = draw(arrays(float, (n, m), elements=st.floats(1, 100)))
    Y = draw(arrays(float, (n, s), elements=st.floats(1, 100)))
    return X, Y


@SETTINGS
@given(dea_data(), st.sampled_from(["input", "output"]))
def test_dea_properties(data, orientation):
    """BCC >= CCR; scale in (0, 1]; scores in (0, 1]; some unit is efficient in each model, with
    a score of exactly 1 (scores within the solver's tolerance of 1 are reported as 1, so that
    ties among efficient units are ties)."""
    X, Y = data
    r = dea(X, Y, model="bcc", orientation=orientation)
    assert (r["vrste"] >= r["crste"] - 1e-7).all()
    assert ((r["scale"] > 0) & (r["scale"] <= 1 + 1e-9)).all()
    assert ((r["crste"] > 0) & (r["crste"] <= 1)).all()
    assert r["crste"].max() == 1.0
    assert r["vrste"].max() == 1.0
    assert (r["slack_x1"] >= 0).all()


@SETTINGS
@given(dea_data(), st.floats(0.01, 1000), st.sampled_from(["ccr", "bcc"]))
def test_dea_units_invariance(data, factor, model):
    """Scores do not depend on the unit of measurement of an input (column scaling)."""
    X, Y = data
    X2 = X.copy()
    X2[:, 0] *= factor
    a = dea(X, Y, model=model)
    b = dea(X2, Y, model=model)
    np.testing.assert_allclose(a["efficiency"], b["efficiency"], atol=1e-6)


@SETTINGS
@given(arrays(float, st.integers(2, 10), elements=st.floats(0.1, 100)), st.data())
def test_ccr_single_ratio_property(x, data):
    y = data.draw(arrays(float, x.size, elements=st.floats(0.1, 100)))
    r = dea(x[:, None], y[:, None])
    ratio = y / x
    np.testing.assert_allclose(r["efficiency"], ratio / ratio.max(), atol=1e-7)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "sbm"}, "model: must be 'ccr' or 'bcc', got 'sbm'"),
        ({"orientation": "both"}, "orientation: must be 'input' or 'output'"),
    ],
)
def test_dea_argument_validation(kwargs, match):
    X, Y = one_in_one_out()
    with pytest.raises(ValueError, match=match):
        dea(X, Y, **kwargs)


def test_dea_data_validation():
    X, Y = one_in_one_out()
    with pytest.raises(ValueError, match="same number of units"):
        dea(X, Y.iloc[:3])
    with pytest.raises(ValueError, match="row labels \\(units\\) differ"):
        dea(X, Y.set_axis(list("abcdefgh")))
    with pytest.raises(ValueError, match="unit labels \\(index\\) must be unique"):
        dea(X.set_axis(list("AACDEFGH")), Y.set_axis(list("AACDEFGH")))
    with pytest.raises(ValueError, match=r"share column names \['employee'\]"):
        dea(X, Y.rename(columns={"sale": "employee"}))
    X0 = X.copy()
    X0.loc["C", "employee"] = 0
    with pytest.raises(ValueError, match="inputs: must be strictly positive, got 0 at unit 'C'"):
        dea(X0, Y)
    Yn = Y.astype(float).copy()
    Yn.loc["D", "sale"] = -1
    with pytest.raises(ValueError, match="outputs: must be non-negative, got -1 at unit 'D'"):
        dea(X, Yn)
    Yz = Y.copy()
    Yz.loc["E", "sale"] = 0
    with pytest.raises(ValueError, match="outputs: unit 'E' has no positive output"):
        dea(X, Yz)
    with pytest.raises(ValueError, match="inputs: contains NaN"):
        dea(X.astype(float).replace(2.0, np.nan), Y)


# -- non-discretionary inputs (Banker & Morey 1986) ------------------------------------------
def test_nondiscretionary_input_hand_example():
    """Banker, R. D. & Morey, R. C. (1986), Efficiency analysis for exogenously fixed inputs and
    outputs, *Operations Research* 34(4), 513-521, model (input orientation): the fixed input's
    constraint is sum_j lambda_j z_j <= z_o, not theta z_o. Two units, one output each:
    A (funds 2, stock 2), B (funds 4, stock 3). Standard CCR for B: 2 lambda <= 4 theta and
    2 lambda <= 3 theta with lambda >= 1, so theta = max(2/4, 2/3) = 2/3. With the stock fixed
    only the funds row scales: theta = 2/4 = 1/2 (A's stock 2 <= 3 holds). By hand."""
    x = pd.DataFrame({"funds": [2.0, 4.0], "stock": [2.0, 3.0]}, index=["A", "B"])
    y = pd.DataFrame({"result": [1.0, 1.0]}, index=["A", "B"])
    std = dea(x, y, model="ccr")
    nd = dea(x, y, model="ccr", nondiscretionary=["stock"])
    np.testing.assert_allclose(std["efficiency"], [1.0, 2 / 3], atol=1e-9)
    np.testing.assert_allclose(nd["efficiency"], [1.0, 0.5], atol=1e-9)
    # the fixed input has no slack column; B's funds slack is 0 after the radial cut
    assert "slack_stock" not in nd.columns
    np.testing.assert_allclose(nd["slack_funds"], [0.0, 0.0], atol=1e-9)
    assert nd.attrs["nondiscretionary"] == ["stock"]


def test_nondiscretionary_input_a_unit_with_less_of_it_cannot_be_copied():
    """B has less of the fixed input than A, so A cannot be B's peer: under VRS B is efficient
    although A uses fewer funds (by hand: lambda_A 5 + lambda_B 3 <= 3 with lambda_A +
    lambda_B = 1 forces lambda_B = 1). Without the stock, B scores 2/4."""
    x = pd.DataFrame({"funds": [2.0, 4.0], "stock": [5.0, 3.0]}, index=["A", "B"])
    y = pd.DataFrame({"result": [1.0, 1.0]}, index=["A", "B"])
    assert dea(x[["funds"]], y, model="bcc")["efficiency"]["B"] == pytest.approx(0.5)
    nd = dea(x, y, model="bcc", nondiscretionary=["stock"])
    assert nd["efficiency"]["B"] == pytest.approx(1.0)


@SETTINGS
@given(
    arrays(np.float64, (6, 3), elements=st.floats(1.0, 10.0)),
    st.sampled_from(["ccr", "bcc"]),
)
def test_nondiscretionary_scores_never_exceed_the_standard_scores(data, model):
    """Holding an input fixed relaxes its constraint (z lambda <= z_o instead of theta z_o with
    theta <= 1), so the minimum theta can only fall."""
    x = pd.DataFrame(data[:, :2], columns=["funds", "stock"])
    y = pd.DataFrame(data[:, 2:], columns=["out"])
    std = dea(x, y, model=model)["efficiency"]
    nd = dea(x, y, model=model, nondiscretionary=["stock"])["efficiency"]
    assert (nd <= std + 1e-7).all()


@SETTINGS
@given(arrays(np.float64, (6, 2), elements=st.floats(1.0, 10.0)), st.floats(1.0, 5.0))
def test_a_constant_nondiscretionary_input_changes_nothing_under_vrs(data, z):
    """Under VRS sum(lambda) = 1, so a fixed input equal for every unit is never binding:
    the scores equal those of the model without it."""
    x = pd.DataFrame({"funds": data[:, 0], "stock": z})
    y = pd.DataFrame({"out": data[:, 1]})
    with_z = dea(x, y, model="bcc", nondiscretionary=["stock"])["efficiency"]
    without = dea(x[["funds"]], y, model="bcc")["efficiency"]
    np.testing.assert_allclose(with_z, without, atol=1e-7)


@pytest.mark.parametrize(
    ("nd", "match"), [(["nope"], "not input columns"), (["funds", "stock"], "at least one")]
)
def test_nondiscretionary_validation(nd, match):
    x = pd.DataFrame({"funds": [2.0, 4.0], "stock": [2.0, 3.0]})
    y = pd.DataFrame({"result": [1.0, 1.0]})
    with pytest.raises(ValueError, match=match):
        dea(x, y, nondiscretionary=nd)
