"""Poverty dynamics and convergence (issue 14): hand-computed examples and properties.

Every expected value below is derived by hand in the comment next to it (the methods are
definitions: Anderson & Goodman 1957 for the Markov estimator, Shorrocks 1978 for the mobility
index, Barro & Sala-i-Martin 1992 for beta- and sigma-convergence).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.methods.mobility import (
    alkire_foster_sensitivity,
    beta_convergence,
    markov_chain,
    near_line_flags,
    poverty_states,
    sigma_convergence,
    spells,
)

PANEL = pd.DataFrame(
    {
        2016: ["p", "p", "p", "n", "n"],
        2017: ["p", "n", "p", "n", "p"],
        2018: ["n", "n", "p", "n", "p"],
    }
)


def test_markov_chain_hand_example():
    # pairs 2016->2017: p->p, p->n, p->p, n->n, n->p ; 2017->2018: p->n, n->n, p->p, n->n, p->p
    # pooled counts: p->p 4, p->n 2, n->n 3, n->p 1  =>  P(p,p)=4/6, P(p,n)=2/6, P(n,n)=3/4
    res = markov_chain(PANEL, order=["n", "p"])
    np.testing.assert_allclose(res.matrix.to_numpy(), [[3 / 4, 1 / 4], [2 / 6, 4 / 6]])
    # steady state: pi_p = P(n,p) / (P(n,p) + P(p,n)) = (1/4) / (1/4 + 1/3) = 3/7
    np.testing.assert_allclose(res.steady_state.to_numpy(), [4 / 7, 3 / 7])
    # Shorrocks: (2 - (3/4 + 2/3)) / 1 = 7/12
    assert res.shorrocks == pytest.approx(7 / 12)
    # expected durations 1 / (1 - p_ii): n 4, p 3
    np.testing.assert_allclose(res.expected_duration.to_numpy(), [4.0, 3.0])
    np.testing.assert_allclose(res.by_period[(2016, 2017)].loc["p"].to_numpy(), [1 / 3, 2 / 3])


def test_markov_chain_weights_count_units_as_repeated():
    w = np.array([2, 1, 1, 1, 3])
    repeated = PANEL.loc[PANEL.index.repeat(w)].reset_index(drop=True)
    np.testing.assert_allclose(markov_chain(PANEL, weights=w).matrix, markov_chain(repeated).matrix)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abc"), min_size=4, max_size=4), min_size=6, max_size=20))
def test_markov_properties(rows):
    df = pd.DataFrame(rows)
    try:
        res = markov_chain(df)
    except ValueError:
        return  # a state never left: documented refusal
    np.testing.assert_allclose(res.matrix.sum(axis=1), 1.0)
    pi = res.steady_state.to_numpy()
    np.testing.assert_allclose(pi @ res.matrix.to_numpy(), pi, atol=1e-8)
    assert 0 <= res.shorrocks <= len(pi) / (len(pi) - 1) + 1e-12


def test_spells_hand_example():
    out = spells(PANEL, "p")
    # unit0: p p n -> one spell of 2 (censored: starts at the first period)
    # unit1: p n n -> spell of 1, censored ; unit2: p p p -> spell of 3, censored both sides
    # unit3: never ; unit4: n p p -> spell of 2, censored at the end
    assert out["spells"].tolist() == [1.0, 2.0, 1.0]
    assert out["censored"].tolist() == [1.0, 2.0, 1.0]
    assert out.attrs["status_shares"] == {"persistent": 0.2, "transient": 0.6, "never": 0.2}


def test_poverty_states_band_separates_churning():
    inc = pd.DataFrame({1: [95.0, 150.0], 2: [102.0, 160.0], 3: [97.0, 90.0]})
    two = poverty_states(inc, {1: 100, 2: 100, 3: 100})
    three = poverty_states(inc, {1: 100, 2: 100, 3: 100}, band=0.1)
    assert two.iloc[0].tolist() == ["poor", "non-poor", "poor"]  # churns across the line
    assert three.iloc[0].tolist() == ["poor", "near", "poor"]  # never leaves the band
    assert three.iloc[1].tolist() == ["non-poor", "non-poor", "poor"]  # a real fall
    with pytest.raises(ValueError, match="no poverty line"):
        poverty_states(inc, {1: 100})


def test_beta_convergence_recovers_the_constructed_coefficient():
    rng = np.random.default_rng(0)
    y0 = np.log(rng.uniform(3000, 12000, 25))
    b_true, years = -0.03, 4
    yT = y0 + years * (0.35 + b_true * y0)
    res = beta_convergence(y0, yT, years)
    assert res["b"] == pytest.approx(b_true, abs=1e-10)
    # speed = -ln(1 + bT) / T
    assert res["speed"] == pytest.approx(-np.log(1 + b_true * years) / years)
    assert res["half_life"] == pytest.approx(np.log(2) / res["speed"])


def test_sigma_convergence_hand_and_weights():
    ly = np.log(pd.DataFrame({2016: [1.0, 4.0, 16.0], 2020: [2.0, 4.0, 8.0]}))
    # sd (population) of log(1), log(4), log(16) = ln4 * sd(0,1,2) = ln4 * sqrt(2/3)
    s = sigma_convergence(ly)
    assert s[2016] == pytest.approx(np.log(4) * np.sqrt(2 / 3))
    assert s[2020] == pytest.approx(np.log(2) * np.sqrt(2 / 3))
    # weight 0 on a unit removes it
    s_w = sigma_convergence(ly, weights=[1, 1, 0])
    assert s_w[2016] == pytest.approx(np.log(4) / 2)


def test_near_line_flags_on_constructed_households():
    flags = near_line_flags(
        income=[3900, 4500, 6100, 4500, 6100, 3000],
        line=4000,
        registered=[1, 1, 1, 0, 0, 0],
        exited=[1, 1, 1, 0, 0, 0],
        margin=0.5,
    )
    # threshold 6000: exited 3900 and 4500 unstable; exited 6100 not; never-registered 4500 and
    # 3000 (a missed poor) marginal; never-registered 6100 not flagged
    assert flags["unstable_exited"].tolist() == [True, True, False, False, False, False]
    assert flags["marginal"].tolist() == [False, False, False, True, False, True]
    with pytest.raises(ValueError, match="never registered"):
        near_line_flags([1.0], 4000, registered=[0], exited=[1])


def test_alkire_foster_sensitivity_grid_and_dimension_contributions():
    g = pd.DataFrame({"a": [1, 1, 0, 0], "b": [1, 0, 1, 0], "c": [1, 0, 0, 0]})
    eq = {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}
    heavy = {"a": 0.5, "b": 0.25, "c": 0.25}
    out = alkire_foster_sensitivity(
        g, {"equal": eq, "heavy_a": heavy}, [0.3, 0.6], dimension_of={"a": "x", "b": "y", "c": "y"}
    )
    assert len(out) == 4
    # heavy_a, k = 0.3: scores 1, 0.5, 0.25, 0 -> poor {0, 1}: H = 0.5, M0 = 1.5 / 4
    row = out[(out.scheme == "heavy_a") & (out.k == 0.3)].iloc[0]
    assert row["H"] == pytest.approx(0.5) and row["M0"] == pytest.approx(0.375)
    # contributions of the dimensions sum to 1
    np.testing.assert_allclose(out[["contribution_x", "contribution_y"]].sum(axis=1), 1.0)


def _panel_from_counts(states, counts) -> pd.DataFrame:
    """Two-period panel whose transition counts are exactly ``counts`` (rows before, cols after)."""
    pairs = [
        (a, b)
        for i, a in enumerate(states)
        for j, b in enumerate(states)
        for _ in range(int(counts[i][j]))
    ]
    return pd.DataFrame(pairs, columns=[0, 1])


def test_steady_state_land_of_oz():
    """Kemeny & Snell's Land of Oz chain (rain, nice, snow), P = [[.5, .25, .25], [.5, 0, .5],
    [.25, .25, .5]]: published steady state (0.4, 0.2, 0.4) (Kemeny, J. G. & Snell, J. L.,
    *Finite Markov Chains*; reproduced in PySAL giddy's ``ergodic.steady_state`` docstring,
    https://github.com/pysal/giddy/blob/main/giddy/ergodic.py). Shorrocks: (3 - 1) / 2 = 1."""
    states = ["rain", "nice", "snow"]
    panel = _panel_from_counts(states, [[2, 1, 1], [2, 0, 2], [1, 1, 2]])
    res = markov_chain(panel, order=states)
    np.testing.assert_allclose(
        res.matrix.to_numpy(), [[0.5, 0.25, 0.25], [0.5, 0, 0.5], [0.25, 0.25, 0.5]]
    )
    np.testing.assert_allclose(res.steady_state.to_numpy(), [0.4, 0.2, 0.4], atol=1e-12)
    assert res.shorrocks == pytest.approx(1.0)


def test_shorrocks_matches_giddy_published_output():
    """PySAL giddy's ``markov_mobility`` docstring (https://github.com/pysal/giddy/blob/main/
    giddy/mobility.py): the quintile Markov chain of US state per-capita incomes 1929-2009
    (``usjoin.csv``) has Shorrocks' index M_P = 0.19759. Its transition counts (rows = quintile
    before; they reproduce the published probabilities to the 8 printed digits) are rebuilt as a
    panel here."""
    counts = [
        [729, 71, 1, 0, 0],
        [72, 567, 80, 3, 0],
        [0, 81, 631, 86, 2],
        [0, 3, 86, 573, 56],
        [0, 0, 1, 57, 741],
    ]
    q = [1, 2, 3, 4, 5]
    res = markov_chain(_panel_from_counts(q, counts), order=q)
    np.testing.assert_allclose(res.matrix.iloc[0, :2], [0.91011236, 0.0886392], atol=5e-9)
    np.testing.assert_allclose(res.matrix.iloc[3, 3], 0.79805014, atol=5e-9)
    assert f"{res.shorrocks:.5f}" == "0.19759"


# --------------------------------------------------------------------------------------------
# time homogeneity (Anderson & Goodman 1957) and the mover-stayer decomposition
# --------------------------------------------------------------------------------------------
from scipy.stats import chi2_contingency  # noqa: E402

from utils.methods.mobility import homogeneity_test, mover_stayer  # noqa: E402

# period 1: a->a 8, a->b 2, b->b 8, b->a 2 ; period 2: a->a 2, a->b 8, b->b 2, b->a 8
OPPOSITE = pd.DataFrame(
    [
        list(u)
        for u, k in {"aaa": 2, "aab": 6, "bab": 2, "aba": 2, "bbb": 2, "bba": 6}.items()
        for _ in range(k)
    ]
)


def test_homogeneity_hand_example():
    # pooled p = 1/2 everywhere; G2 = 2 * [2 periods x 2 rows x (8 ln(0.8/0.5) + 2 ln(0.2/0.5))]
    expected = 2 * 4 * (8 * np.log(1.6) + 2 * np.log(0.4))
    res = homogeneity_test(OPPOSITE)
    assert res.g2 == pytest.approx(expected)
    assert res.g2 == pytest.approx(15.419581, abs=1e-6)
    assert res.df == 2  # (T - 1) m (m - 1) = 1 * 2 * 1
    assert res.contributions.sum() == pytest.approx(res.g2)


def test_homogeneity_matches_scipy_g_test_per_origin_row():
    # reference implementation: Anderson-Goodman's statistic is the sum over origin states of
    # the likelihood-ratio (G) test of homogeneity of the period x destination table
    # (scipy.stats.chi2_contingency(lambda_="log-likelihood", correction=False)).
    rng = np.random.default_rng(3)
    panel = pd.DataFrame(rng.choice(["x", "y", "z"], size=(300, 4), p=[0.5, 0.3, 0.2]))
    res = homogeneity_test(panel, order=["x", "y", "z"])
    total, df = 0.0, 0
    for a in ["x", "y", "z"]:
        table = np.array(
            [
                [((panel[t] == a) & (panel[t + 1] == b)).sum() for b in ["x", "y", "z"]]
                for t in range(3)
            ]
        )
        g, _, d, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
        total, df = total + g, df + d
    assert res.g2 == pytest.approx(total)
    assert res.df == df == 3 * 3 * 2 - 3 * 2  # (T - 1) m (m - 1) with T = 3, m = 3


def test_homogeneity_zero_when_every_period_is_the_same():
    # both periods have the transitions p->p, n->n, p->n, n->p once: identical annual matrices
    panel = pd.DataFrame([list("ppp"), list("nnn"), list("pnp"), list("npn")])
    res = homogeneity_test(panel)
    assert res.g2 == pytest.approx(0.0, abs=1e-12)
    assert res.p_value == pytest.approx(1.0)


def test_homogeneity_needs_two_transition_periods():
    with pytest.raises(ValueError, match="three periods"):
        homogeneity_test(pd.DataFrame({1: ["a", "b"], 2: ["b", "a"]}))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.sampled_from("ab"), min_size=4, max_size=4), min_size=8, max_size=30))
def test_homogeneity_properties(rows):
    df = pd.DataFrame(rows)
    if df.nunique().max() < 2 and df.stack().nunique() < 2:
        return
    try:
        res = homogeneity_test(df, order=["a", "b"])
    except ValueError:
        return
    assert res.g2 >= -1e-9
    assert 0 <= res.df <= 3 * 2 * 1
    if res.df > 0:
        assert 0.0 <= res.p_value <= 1.0
    # rescaled weights: multiplying every weight by a constant changes nothing
    w = np.full(len(df), 3.0)
    assert homogeneity_test(df, order=["a", "b"], weights=w).g2 == pytest.approx(res.g2)


def test_mover_stayer_hand_example():
    # f0 = 3/5, pooled P(stay) = 4/6 -> chain predicts 0.6 (2/3)^2 = 4/15 always poor; observed
    # 2/5. sigma = 0.4 solves A = s + (f0 - s) m(s)^2 with m(0.4) = (0.8 - 0.8)/(1.2 - 0.8) = 0.
    s = pd.DataFrame([list("ppp"), list("ppp"), list("pnn"), list("npn"), list("nnn")])
    r = mover_stayer(s, "p")
    assert r.predicted_always == pytest.approx(4 / 15)
    assert r.observed_always == pytest.approx(0.4)
    assert r.chain_stay_probability == pytest.approx(2 / 3)
    assert r.stayer_share == pytest.approx(0.4)
    assert r.stayer_share_of_initial == pytest.approx(2 / 3)
    assert r.mover_stay_probability == pytest.approx(0.0)


def test_mover_stayer_interior_solution_hand_checked():
    # 10 units, T = 3: 3 ppp, 2 ppn, 1 pnp, 1 npp, 3 nnn. f0 = 6/10, A = 3/10,
    # n_pp / N = (3*2 + 2*1 + 0 + 1)/10 = 0.9, n_p. / N = (3*2 + 2*2 + 1 + 1)/10 = 1.2.
    # chain: p = 0.75, predicted 0.6 * 0.5625 = 0.3375 > A -> no stayers.
    s = pd.DataFrame(
        [list("ppp")] * 3 + [list("ppn")] * 2 + [list("pnp"), list("npp")] + [list("nnn")] * 3
    )
    r = mover_stayer(s, "p")
    assert r.chain_stay_probability == pytest.approx(0.75)
    assert r.predicted_always == pytest.approx(0.3375)
    assert r.stayer_share == 0.0
    # 12 units: 4 ppp, 4 pnn, 2 ppn, 2 nnn. f0 = 10/12, A = 4/12, n_pp = 10, n_p. = 16:
    # chain p = 0.625 predicts (10/12) 0.625^2 = 0.3255 < A, so there is excess permanence;
    # g(A) = (f0 - A) m(A)^2 > 0 with m(A) = (10/12 - 2/3) / (16/12 - 2/3) = 1/4: interior root.
    s2 = pd.DataFrame([list("ppp")] * 4 + [list("pnn")] * 4 + [list("ppn")] * 2 + [list("nnn")] * 2)
    r2 = mover_stayer(s2, "p")
    assert r2.chain_stay_probability == pytest.approx(0.625)
    assert r2.predicted_always == pytest.approx(10 / 12 * 0.625**2)
    sig, f0, m = r2.stayer_share, 10 / 12, r2.mover_stay_probability
    assert m == pytest.approx((10 / 12 - 2 * sig) / (16 / 12 - 2 * sig))
    assert sig + (f0 - sig) * m**2 == pytest.approx(4 / 12, abs=1e-10)
    assert 0 < sig < 4 / 12


def test_mover_stayer_rejects_empty_target():
    with pytest.raises(ValueError, match="first period"):
        mover_stayer(pd.DataFrame([list("nn"), list("np")]), "p")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from("pn"), min_size=4, max_size=4), min_size=5, max_size=40),
    st.lists(st.floats(0.5, 5.0), min_size=40, max_size=40),
)
def test_mover_stayer_properties(rows, wts):
    df = pd.DataFrame(rows)
    w = np.array(wts[: len(df)])
    try:
        r = mover_stayer(df, "p", weights=w)
    except (ValueError, ZeroDivisionError):
        return
    assert 0.0 <= r.stayer_share <= r.observed_always + 1e-12
    assert 0.0 <= r.mover_stay_probability <= 1.0 + 1e-12
    if r.stayer_share > 0:
        f0 = w @ (df[0] == "p").to_numpy() / w.sum()
        lhs = r.stayer_share + (f0 - r.stayer_share) * r.mover_stay_probability**3
        assert lhs == pytest.approx(r.observed_always, abs=1e-8)
    else:
        assert r.observed_always <= r.predicted_always + 1e-12
