"""``field="terms"`` maps: each text's segmented terms go straight into integer codes
(issue 17), and the map is the one the lists of term strings of every text gave.

The reference is the former reading kept here: every text's distinct terms as a list of
strings, the thesaurus applied per text, then ``doc_term_matrix`` of the lists. The texts
are the seed texts and government work reports of ``../shared/corpora``, segmented by the
real segmenter.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import zhagen
from zhagen.map_input import map_input, segmented
from zhagen.mapping import build_map
from zhagen.mapping.cooccurrence import TermRows, doc_term_matrix
from zhagen.mapping.model import MapInput, MapParams
from zhagen.store import map_keywords

REPORTS = 5  # of the 72 government work reports: enough text, segmented in about a second


def reference_input(
    project: zhagen.Project, thesaurus: Mapping[str, str] | None = None
) -> MapInput:
    """The former ``field="terms"`` reading: a list of term strings per text."""
    from zhagen.text.lexicon import apply_thesaurus

    inp = MapInput(doc_ids=[], years=[], terms=[], titles=[])
    rows = list(map_keywords.map_rows(project.store, keep_duplicates=False, texts=True))
    for row, terms in zip(rows, segmented(project.terms.segmenter, (r[5] for r in rows)),
                          strict=True):  # fmt: skip
        if thesaurus:
            terms = list(dict.fromkeys(apply_thesaurus(terms, thesaurus)))
        inp.doc_ids.append(row[0])
        inp.years.append(row[1])
        inp.terms.append(terms)
        inp.titles.append(row[2])
    return inp


@pytest.fixture(scope="module")
def policy(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[zhagen.Project]:
    """The four seed texts and the first government work reports."""
    folder = tmp_path_factory.mktemp("terms")
    lines = (corpora / "policy" / "government_work_reports.jsonl").read_text("utf-8").splitlines()
    (folder / "reports.jsonl").write_text("\n".join(lines[:REPORTS]) + "\n", "utf-8")
    p = zhagen.Project.create(folder / "policy.zhagen")
    p.add([*sorted((corpora / "seeds").glob("*.txt")), folder / "reports.jsonl"])
    yield p
    p.close()


def _same_matrix(a: Any, b: Any) -> None:
    assert a.vocab == b.vocab
    assert a.matrix.shape == b.matrix.shape and (a.matrix != b.matrix).nnz == 0


@pytest.mark.parametrize("use_thesaurus", [False, True])
def test_terms_input_is_the_matrix_of_the_lists(
    policy: zhagen.Project, use_thesaurus: bool
) -> None:
    params = MapParams(field="terms")
    ref = reference_input(policy)
    thesaurus = None
    if use_thesaurus:  # merge two frequent terms into one, drop a third
        common = sorted(doc_term_matrix(ref.terms).vocab, key=len)[-3:]
        thesaurus = {common[0]: common[1], common[2]: ""}
        ref = reference_input(policy, thesaurus)
    got = map_input(policy.store, params, policy.terms.segmenter, thesaurus=thesaurus)
    assert isinstance(got.terms, TermRows)
    assert (got.doc_ids, got.years, got.titles) == (ref.doc_ids, ref.years, ref.titles)
    assert len(got.doc_ids) == 4 + REPORTS
    _same_matrix(doc_term_matrix(got.terms), doc_term_matrix(ref.terms))
    assert sum(map(len, ref.terms)) > 5000  # real texts: thousands of term occurrences


def _same_map(a: Any, b: Any) -> None:
    import pandas as pd

    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    pd.testing.assert_frame_equal(a.clusters, b.clusters)
    assert a.node_docs == b.node_docs


def test_terms_map_is_unchanged(policy: zhagen.Project) -> None:
    """Same nodes, links and counts as the map of the lists."""
    params = MapParams(field="terms", min_freq=2, top=60)
    km = policy.maps.build(record=False, field="terms", min_freq=2, top=60)
    ref = build_map(reference_input(policy), params)
    _same_map(km, ref)
    assert len(km.edges) > 100


def test_keyword_map_of_raw_texts_keeps_its_terms(policy: zhagen.Project) -> None:
    """A keyword map of documents without keywords segments them too (the ``exact`` terms
    of ``_keyword_input``, now codes): the matrix of the segmented lists."""
    got = map_input(policy.store, MapParams(), policy.terms.segmenter)
    ref = reference_input(policy)
    _same_matrix(doc_term_matrix(got.terms), doc_term_matrix(ref.terms))


def test_segmenting_elsewhere_gives_the_same_map(policy: zhagen.Project, tmp_path: Path) -> None:
    """Texts segmented in batches through a cluster (``local:1`` runs the same batches
    here) give the same map."""
    params = MapParams(field="terms", min_freq=2, top=60)
    with zhagen.Project.open(policy.path, cluster="local:1") as other:
        cluster = other.cluster
        km = other.maps.build(record=False, field="terms", min_freq=2, top=60)
        assert cluster is not None and cluster.computed >= 1
    _same_map(km, build_map(reference_input(policy), params))


def test_rows_give_the_matrix_of_the_coordinates() -> None:
    """``doc_term_from_rows`` is ``doc_term_from_codes`` of the same occurrences: labels
    repeated, ``""`` (no term), a term twice in a record, empty records."""
    import random

    import numpy as np

    from zhagen.mapping.cooccurrence import doc_term_from_codes, doc_term_from_rows

    rng = random.Random(17)
    labels = ["新质生产力", "数字经济", "", "AI", "ai", "数字经济", "Ärger", "🙂"]
    for n in (0, 1, 50):
        lengths = np.array([rng.choice([0, 0, 1, 3, 8]) for _ in range(n)], dtype=np.int64)
        codes = np.array([rng.randrange(len(labels)) for _ in range(int(lengths.sum()))])
        rows = np.repeat(np.arange(n), lengths)
        _same_matrix(
            doc_term_from_rows(lengths, codes, labels),
            doc_term_from_codes(rows, codes, labels, n),
        )
