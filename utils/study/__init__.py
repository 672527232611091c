"""The study layer: M County's design and data.

Loaders, validation against the codebook, the privacy gate, the simulator and the chapter steps that
know the county's indicator hierarchy. Every function takes the data folder (or DataFrames) explicitly;
nothing reads a file at import time.

- :mod:`utils.study.data`        loading and validating the study data; privacy gate
- :mod:`utils.study.simulate`    the documented, seeded model that generates the simulated study data
- :mod:`utils.study.background`  chapter 1
- :mod:`utils.study.indicators`  chapter 2
- :mod:`utils.study.survey`      chapter 3
- :mod:`utils.study.performance` chapter 4
- :mod:`utils.study.relative_poverty`, :mod:`utils.study.countermeasures`   chapter 5
"""
