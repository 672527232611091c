"""Analysis library for the M County precision-poverty-alleviation thesis companion.

Modules are named after what they do.

Methods (each tested against a published worked example):

- :mod:`utils.weights`       AHP (single, group, hierarchy), entropy, CRITIC, combined weights
- :mod:`utils.scoring`       normalisation, fuzzy comprehensive evaluation, TOPSIS, grey relational
                             analysis (re-exports ``dea``, ``bootstrap``, ``weight_sensitivity``)
- :mod:`utils.dea`           DEA, CCR and BCC, with scale efficiency and slacks
- :mod:`utils.resampling`    bootstrap intervals and weight-sensitivity simulation
- :mod:`utils.reliability`   Cronbach's alpha, item analysis, KMO, Bartlett, parallel analysis, EFA,
                             composite reliability, AVE
- :mod:`utils.poverty`       FGT, relative poverty lines, Alkire-Foster, Gini, Theil, transitions
- :mod:`utils.attribution`   ordered logit, importance-performance analysis, dominance analysis,
                             group differences

Study data:

- :mod:`utils.data`          loading and validating the study data against the codebook; privacy gate
- :mod:`utils.simulate`      the documented, seeded model that generates the simulated study data

Chapter modules (the thesis' analysis steps, composed from the methods above):

- :mod:`utils.background`    chapter 1: policy tables, national summary, research-design diagram
- :mod:`utils.indicators`    chapter 2: indicator weights (AHP panel, entropy/CRITIC, combined)
- :mod:`utils.survey`        chapter 3: dimension scores, profile, reliability and validity tables
- :mod:`utils.performance`   chapter 4: two-level fuzzy evaluation, township comparison, fund efficiency
- :mod:`utils.relative_poverty`, :mod:`utils.countermeasures`   chapter 5

Book machinery:

- :mod:`utils.plots`         the house theme and the book's figures
- :mod:`utils.prose`         the typed-number scanner for chapter prose
- :mod:`utils.wording`       lists as prose for glued text
- :mod:`utils.run`           the chapter runner (papermill + cache + book build)
"""

__version__ = "0.1.0"
