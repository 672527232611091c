"""Chapter-agnostic methods: DataFrames and arrays in, results out.

Nothing here knows about M County: no module imports from :mod:`utils.study`, reads a file or the
environment. Each method is tested against a published worked example (see ``tests/``).

- :mod:`utils.methods.weights`       AHP (single, group, hierarchy), entropy, CRITIC, combined weights
- :mod:`utils.methods.scoring`       normalisation, fuzzy comprehensive evaluation, TOPSIS, grey relational
- :mod:`utils.methods.dea`           DEA, CCR and BCC, with scale efficiency and slacks
- :mod:`utils.methods.dea_extensions`   super-efficiency, Malmquist index, Simar-Wilson bootstrap
- :mod:`utils.methods.resampling`    bootstrap intervals and weight-sensitivity simulation
- :mod:`utils.methods.reliability`   Cronbach's alpha, item analysis, KMO, Bartlett, parallel analysis, EFA,
                                     polychoric and EM correlations, HTMT
- :mod:`utils.methods.descriptive`   Wilson interval, frequency, proportion and profile tables
- :mod:`utils.methods.survey_design` design object, Taylor and replicate estimators, design effects
- :mod:`utils.methods.mobility`      Markov transitions, spells, Shorrocks, convergence, monitoring flags
- :mod:`utils.methods.poverty`       FGT, relative poverty lines, Alkire-Foster, Gini, Theil, transitions
- :mod:`utils.methods.attribution`   ordered logit, importance-performance, dominance, group differences
"""
