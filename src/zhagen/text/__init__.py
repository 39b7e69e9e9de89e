"""Text layer: cleaning (encoding repairs, 繁→简, line joins) and sentence splitting.

Pure functions over ``str``; offsets are Unicode code points into the cleaned text.

>>> from zhagen.text import clean, sentences
>>> sentences(clean("發(fā)展新質生產力。加快形成。").text)
['发展新质生产力。', '加快形成。']
"""

from __future__ import annotations

from zhagen.text.clean import CleanResult, Flag, clean
from zhagen.text.sentences import sentences, split_sentences

__all__ = [
    "CleanResult",
    "Flag",
    "clean",
    "sentences",
    "split_sentences",
]
