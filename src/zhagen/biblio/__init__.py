"""Descriptive bibliometrics (``zhagen stats``): pure functions over plain records.

:mod:`zhagen.biblio.laws` holds the laws and indicators over counts (trends, Price, Lotka,
Bradford, h-index); :mod:`zhagen.biblio.stats` computes all of them over
:class:`~zhagen.biblio.stats.BiblioRecord` s. Nothing here reads a project or writes a file:
``store/biblio.py`` reads, ``report/stats_files.py`` writes.
"""
