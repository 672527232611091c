"""Analysis library for the M County precision-poverty-alleviation thesis companion, in layers.

- :mod:`utils.methods`   chapter-agnostic methods (weights, MCDA scoring, DEA, resampling, reliability,
                         poverty and inequality, attribution). They know nothing about M County.
- :mod:`utils.study`     M County's design and data: loaders, validation, privacy gate, the simulator,
                         and the study-specific steps of the chapters.
- :mod:`utils.plots`     the house theme and chart types; :mod:`utils.wording` lists as prose.

Build machinery (the chapter runner and the typed-number scanner) lives in the top-level ``tools``
package and is not imported by the chapters.
"""

__version__ = "0.1.0"
