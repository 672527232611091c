"""Analysis library for the M County precision-poverty-alleviation thesis companion.

Modules are named after what they do:

- :mod:`utils.weights`      AHP (single, group, hierarchy), entropy, CRITIC, combined weights
- :mod:`utils.scoring`      normalisation, fuzzy comprehensive evaluation, TOPSIS, grey relational
                            analysis, DEA, bootstrap and weight sensitivity
- :mod:`utils.reliability`  Cronbach's alpha, item analysis, KMO, Bartlett, parallel analysis, EFA
- :mod:`utils.poverty`      FGT, relative poverty lines, Alkire-Foster, Gini, Theil, transitions
- :mod:`utils.attribution`  ordered logit, importance-performance analysis, dominance analysis
- :mod:`utils.data`         loading and validating the study data against the codebook
- :mod:`utils.simulate`     the documented, seeded model that generates the simulated study data
- :mod:`utils.plots`        the house theme and the book's figures
- :mod:`utils.run`          the chapter runner (papermill + cache + book build)
"""

__version__ = "0.1.0"
