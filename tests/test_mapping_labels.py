"""Cluster labels by LLR, TF-IDF and MI (zhagen.mapping.labels)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from zhagen.mapping.cooccurrence import doc_term_matrix
from zhagen.mapping.labels import cluster_labels, llr, term_scores


def g2_by_hand(a: float, b: float, c: float, d: float) -> float:
    n = a + b + c + d
    cells = [(a, (a + b) * (a + c)), (b, (a + b) * (b + d)), (c, (c + d) * (a + c)),
             (d, (c + d) * (b + d))]  # fmt: skip
    return 2 * sum(o * math.log(o * n / e) for o, e in cells if o > 0)


@pytest.mark.parametrize(("a", "b", "n_c", "n"), [(5, 1, 10, 50), (3, 3, 4, 20), (1, 0, 1, 9)])
def test_llr_formula(a: int, b: int, n_c: int, n: int) -> None:
    got = llr(np.array([a]), np.array([b]), n_c, n)[0]
    assert got == pytest.approx(g2_by_hand(a, b, n_c - a, n - n_c - b))


def test_scores_by_hand() -> None:
    # 10 records, cluster of 4; term x in 3 of them and 1 outside; term y in 1 and 5
    s = term_scores(np.array([3, 1]), np.array([4, 6]), 4, 10)
    assert s["tfidf"][0] == pytest.approx(0.75 * math.log(10 / 4))
    assert s["mi"][0] == pytest.approx(math.log(3 * 10 / (4 * 4)))
    assert s["llr"][0] == pytest.approx(g2_by_hand(3, 1, 1, 5))
    assert s["llr"][1] == 0.0 and s["mi"][1] == 0.0  # under-represented


def test_cluster_labels_on_small_corpus() -> None:
    records = [
        ["新质生产力", "科技创新", "产业升级"],
        ["新质生产力", "科技创新"],
        ["新质生产力", "产业升级", "数字经济"],
        ["乡村振兴", "农业"],
        ["乡村振兴", "农业", "脱贫攻坚"],
        ["乡村振兴", "脱贫攻坚"],
    ]
    dt = doc_term_matrix(records)
    v = dt.vocab
    nodes = np.array(
        [v.index("新质生产力"), v.index("科技创新"), v.index("乡村振兴"), v.index("农业")]
    )
    out = cluster_labels(dt.matrix, v, nodes, np.array([0, 0, 1, 1]))
    assert len(out) == 2
    assert out[0]["llr"].split("; ")[0] == "新质生产力"
    assert out[1]["llr"].split("; ")[0] == "乡村振兴"
    for lab in out:
        assert set(lab) == {"llr", "tfidf", "mi"}
        assert all(len(lab[m].split("; ")) == 3 for m in lab)
    assert "乡村振兴" not in out[0]["tfidf"] and "新质生产力" not in out[1]["mi"]
    # candidates restrict the vocabulary
    allowed = np.array([t != "新质生产力" for t in v])
    out2 = cluster_labels(dt.matrix, v, nodes, np.array([0, 0, 1, 1]), candidates=allowed)
    assert "新质生产力" not in out2[0]["llr"]


def test_empty_partition() -> None:
    dt = doc_term_matrix([["a"]])
    assert cluster_labels(dt.matrix, dt.vocab, np.zeros(0, int), np.zeros(0, int)) == []


def test_title_phrases_and_label_matrix_by_hand() -> None:
    import scipy.sparse as sp

    from zhagen.mapping.labels import label_matrix, title_phrases
    from zhagen.text.segment import default_segmenter

    seg = default_segmenter()

    def tag(title: str) -> list[tuple[str, bool]]:
        return [(w, seg.is_term(w, pos)) for w, pos in seg.tag(title)]

    phrases = title_phrases(tag("虚拟现实技术在高职艺术设计人才培养中的应用研究"))
    assert "虚拟现实" in phrases and "虚拟现实技术" in phrases and "的" not in phrases
    assert title_phrases(tag("A model for the treatment of fractures")) == [
        "model", "treatment", "fractures"]  # fmt: skip
    # keyword columns keep their index; a title phrase spelt as a keyword shares its column
    # (the segmenter cuts 虚拟现实 | 技术, so the phrase 虚拟现实技术 is the run of both)
    kw = sp.csr_matrix([[1, 0], [0, 1], [0, 0]])  # keywords: 增强现实 in 0, 虚拟现实 in 1
    titles = ["虚拟现实技术的应用", "增强现实", "虚拟现实技术"]
    m, vocab = label_matrix(kw, ["增强现实", "虚拟现实"], titles, tag)
    assert vocab[:2] == ["增强现实", "虚拟现实"]
    col = {t: k for k, t in enumerate(vocab)}
    dense = m.toarray().astype(int)
    assert dense[:, col["增强现实"]].tolist() == [1, 0, 0]  # 增强 | 现实 is no phrase of 增强现实
    assert dense[:, col["虚拟现实"]].tolist() == [1, 1, 1]  # keyword in 1, title in 0 and 2
    assert dense[:, col["虚拟现实技术"]].tolist() == [1, 0, 1]
    assert dense[:, col["现实"]].tolist() == [0, 1, 0]


def _label_matrix_of_before(matrix, vocab, titles, tag):  # noqa: ANN001, ANN202
    """label_matrix as zhagen 0.x built it (a list of phrase lists, factorised): the oracle."""
    import scipy.sparse as sp

    from zhagen.mapping.labels import title_phrases

    phrases = doc_term_matrix([title_phrases(tag(t)) if t else [] for t in titles])
    index = {term: k for k, term in enumerate(vocab)}
    extra = [p for p in phrases.vocab if p not in index]
    for p in extra:
        index[p] = len(index)
    remap = np.array([index[p] for p in phrases.vocab], dtype=np.int64)
    pm = phrases.matrix.tocoo()
    n_rows = matrix.shape[0]
    moved = sp.csr_matrix((pm.data, (pm.row, remap[pm.col])), shape=(n_rows, len(index)))
    base = sp.csr_matrix(matrix, shape=(n_rows, len(vocab)))
    base = sp.hstack([base, sp.csr_matrix((n_rows, len(extra)))], format="csr")
    out = (base + moved).tocsr()
    out.data = np.ones_like(out.data, dtype=np.float64)
    return out, [*vocab, *extra]


def test_label_matrix_is_the_one_of_before_on_real_titles(corpora: Path) -> None:
    """On the CNKI and WoS exports' titles and keywords (each record twice, as a map that
    keeps duplicates reads them, and some titles empty), the matrix built from codes with
    titles seen before reused is the list-of-lists one, entry for entry."""
    from zhagen.formats import reader_for
    from zhagen.mapping.labels import label_matrix
    from zhagen.text.segment import default_segmenter

    seg = default_segmenter()
    calls: list[str] = []

    def tag(title: str) -> list[tuple[str, bool]]:
        calls.append(title)
        return [(w, seg.is_term(w, pos)) for w, pos in seg.tag(title)]

    for fmt, name in (("cnki-refworks", "cnki/refworks_2024_298.txt"),
                      ("wos", "wos/plaintext_344_fullrecord.txt")):  # fmt: skip
        recs = list(reader_for(fmt)(corpora / name))
        titles = [r.title or "" for r in recs] * 2
        titles[3] = ""
        kws = [[k.lower() for ks in r.keywords.values() for k in ks] for r in recs] * 2
        dt = doc_term_matrix(kws)
        calls.clear()
        got, got_vocab = label_matrix(dt.matrix, dt.vocab, titles, tag)
        assert len(calls) == len({t for t in titles if t}) < len(titles)  # each title tagged once
        want, want_vocab = _label_matrix_of_before(dt.matrix, dt.vocab, titles, tag)
        assert got_vocab == want_vocab and got.shape == want.shape
        assert (got.indptr == want.indptr).all() and (got.indices == want.indices).all()
        assert got.data.dtype == want.data.dtype and (got.data == want.data).all()


def test_a_term_seen_once_is_never_a_label() -> None:
    import scipy.sparse as sp

    # records 0–1 hold node 0 ("甲"); "罕" occurs once, in record 0: MI would rank it first
    m = sp.csr_matrix(np.array([[1, 1, 1, 0], [1, 0, 1, 0], [0, 0, 0, 1], [0, 0, 1, 1]]))
    out = cluster_labels(m, ["甲", "罕", "乙", "丙"], np.array([0, 3]), np.array([0, 1]))
    assert "罕" not in out[0]["mi"] and "罕" not in out[0]["llr"]
    assert out[0]["llr"].startswith("甲")


def test_labels_counted_by_blocks_are_the_labels_of_the_whole_matrix(corpora: Path) -> None:
    """A map counts its label candidates a block of records at a time (so millions of titles
    never become one matrix): on the CNKI and WoS exports' titles and keywords, blocks of
    1, 7, 100 and more records than there are give the whole matrix's rows and exactly its
    LLR / TF-IDF / MI labels for 12 clusters of the 60 most frequent keywords."""
    import scipy.sparse as sp

    from zhagen.formats import reader_for
    from zhagen.mapping.labels import label_blocks, label_matrix
    from zhagen.text.segment import default_segmenter

    seg = default_segmenter()

    def tag(title: str) -> list[tuple[str, bool]]:
        return [(w, seg.is_term(w, pos)) for w, pos in seg.tag(title)]

    rng = np.random.default_rng(7)
    for fmt, name in (("cnki-refworks", "cnki/refworks_2024_298.txt"),
                      ("wos", "wos/plaintext_344_fullrecord.txt")):  # fmt: skip
        recs = list(reader_for(fmt)(corpora / name))
        titles = [r.title or "" for r in recs] * 2
        kws = [[k.lower() for ks in r.keywords.values() for k in ks] for r in recs] * 2
        dt = doc_term_matrix(kws)
        whole, vocab = label_matrix(dt.matrix, dt.vocab, titles, tag)
        nodes = np.argsort(-np.asarray(dt.matrix.sum(axis=0)).ravel(), kind="stable")[:60]
        clusters = rng.integers(0, 12, size=nodes.size)
        clusters[:12] = np.arange(12)  # every cluster has a member
        want = cluster_labels(whole, vocab, nodes, clusters)
        assert any(w["llr"] for w in want)
        for rows in (1, 7, 100, len(titles) + 5):
            blocks, got_vocab = label_blocks(dt.matrix, dt.vocab, titles, tag, rows=rows)
            parts = list(blocks)
            assert got_vocab == vocab and len(parts) == -(-len(titles) // rows)
            assert (sp.vstack(parts, format="csr") != whole).nnz == 0
            blocks, _ = label_blocks(dt.matrix, dt.vocab, titles, tag, rows=rows)
            assert cluster_labels(blocks, vocab, nodes, clusters) == want
