"""Text layer: cleaning (encoding repairs, 繁→简, line joins) and sentence splitting.

Pure functions over ``str``; offsets are Unicode code points into the cleaned text. Import
them from their modules (:mod:`zhagen.text.clean`, :mod:`zhagen.text.sentences`,
:mod:`zhagen.text.segment`, :mod:`zhagen.text.terms` …): this package imports none of them,
so that reading one declaration (``zhagen.text.terms.TermsParams``, which every command line
needs for its options) does not compile the cleaner's patterns.

>>> from zhagen.text.clean import clean
>>> from zhagen.text.sentences import sentences
>>> sentences(clean("發(fā)展新質生產力。加快形成。").text)
['发展新质生产力。', '加快形成。']
"""

from __future__ import annotations
