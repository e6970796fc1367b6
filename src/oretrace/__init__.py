"""oretrace: conflict-minerals information management.

The domain packages (:mod:`oretrace.cmrt`, :mod:`oretrace.smelters`) are pure Python and
can be used as a library; :mod:`oretrace.cli` is a thin shell over them.
"""

__version__ = "0.1.0"
