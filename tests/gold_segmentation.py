"""Load the segmentation gold standard (tests/data/segmentation_gold.tsv).

The gold file holds no text of the seeds (they are third-party documents and stay in
../shared): each line names a seed, a span of code points in that seed's text with all
whitespace removed (seed 002 after zhagen's cleaning: 繁→简 and converter repair), and the
lengths of the hand-segmented words in that span. The words are rebuilt from the seeds.
"""

from __future__ import annotations

import re
from pathlib import Path

GOLD = Path(__file__).parent / "data" / "segmentation_gold.tsv"


def seed_texts(seeds_dir: Path) -> dict[str, str]:
    """Each seed's text as the gold offsets index it: whitespace removed, 002 cleaned."""
    from zhagen.text.clean import clean

    out = {}
    for p in sorted(seeds_dir.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        if p.name.startswith("002"):
            text = clean(text).text
        out[p.name[:3]] = re.sub(r"\s+", "", text)
    return out


def load_gold(seeds_dir: Path, path: Path = GOLD) -> list[tuple[str, list[str]]]:
    """(seed, words) for every gold sentence."""
    texts = seed_texts(seeds_dir)
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        seed, start, end, lengths = line.split("\t")
        span = texts[seed][int(start) : int(end)]
        words, pos = [], 0
        for n in map(int, lengths.split()):
            words.append(span[pos : pos + n])
            pos += n
        if pos != len(span):
            raise ValueError(f"gold line for seed {seed} at {start}: lengths do not add up")
        rows.append((seed, words))
    return rows
