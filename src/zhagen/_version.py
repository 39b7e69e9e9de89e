"""The version of zhagen, in a module of its own so that any layer can read it without
importing the root package (which reaches up to ``zhagen.project``).

>>> from zhagen._version import __version__
>>> __version__.count(".")
2
"""

__version__ = "0.1.0"
