"""Inter-coder agreement: NVivo's worked example, and κ / α checked against scikit-learn and
the ``krippendorff`` package on the same unit vectors (built here the slow, obvious way)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from zhagen.coding.agreement import (
    POOLED,
    agreement,
    cohen_kappa,
    holsti,
    krippendorff_alpha,
    nvivo_kappa,
    table_stats,
)
from zhagen.errors import ParameterError


def _codings(rows):
    return pd.DataFrame(rows, columns=["document", "start", "end", "code", "coder"])


# -- NVivo's worked example ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a_span", "b_span", "a_only", "b_only", "kappa"),
    [
        ((0, 200), (150, 200), 150, 0, 80 / 230),  # all 150 by one coder
        ((0, 125), (75, 200), 75, 75, 68.75 / 218.75),  # 75 / 75
    ],
)
def test_nvivo_worked_example(a_span, b_span, a_only, b_only, kappa):
    """1000 characters, 50 coded by both, 150 by one coder only, 800 by neither → 85 %."""
    c = _codings([(1, *a_span, 7, "A"), (1, *b_span, 7, "B")])
    r = agreement(c, {1: 1000}, ("A", "B"))
    row = r.by_code_document.iloc[0]
    assert (row["units"], row["both"], row["a_only"], row["b_only"], row["neither"]) == (
        1000,
        50,
        a_only,
        b_only,
        800,
    )
    assert row["percent_agreement"] == pytest.approx(85.0)
    assert row["pct_a_and_b"] == pytest.approx(5.0) and row["pct_neither"] == pytest.approx(80)
    assert row["pct_disagreement"] == pytest.approx(15.0)
    # NVivo: κ = (TA − ΣEF) / (TU − ΣEF), EF1 = A·B/N, EF2 = (N − A)(N − B)/N
    n_a, n_b = 50 + a_only, 50 + b_only
    sum_ef = n_a * n_b / 1000 + (1000 - n_a) * (1000 - n_b) / 1000
    assert kappa == pytest.approx((850 - sum_ef) / (1000 - sum_ef))
    assert row["kappa"] == pytest.approx(kappa)
    assert nvivo_kappa(50, a_only, b_only, 800) == pytest.approx(kappa)
    assert r.by_code.iloc[0]["kappa"] == pytest.approx(kappa)  # one document: same table
    assert row["holsti_r"] == pytest.approx(2 * 50 / (n_a + n_b))


def test_nvivo_example_kappa_values():
    assert round(nvivo_kappa(50, 150, 0, 800), 4) == 0.3478
    assert round(nvivo_kappa(50, 75, 75, 800), 4) == 0.3143


def test_kappa_is_one_when_nobody_codes_and_zero_when_one_coder_codes_nothing():
    assert nvivo_kappa(0, 0, 0, 1000) == 1.0
    assert nvivo_kappa(0, 100, 0, 900) == 0.0
    s = table_stats(0, 0, 0, 10)
    assert math.isnan(float(s["alpha"])) and math.isnan(float(s["holsti_r"]))


# -- vector-level statistics against the reference packages ----------------------------------
def test_krippendorff_2011_binary_example():
    """Krippendorff (2011), binary data, two observers, no missing values: α = 0.095."""
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha(a, b), 3) == 0.095


@pytest.mark.parametrize("seed", range(6))
def test_vector_kappa_and_alpha_match_reference_packages(seed):
    import krippendorff
    from sklearn import metrics as sklearn_metrics

    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(20, 400)), int(rng.integers(2, 6))
    a = rng.integers(0, k, n)
    b = np.where(rng.random(n) < 0.6, a, rng.integers(0, k, n))
    assert cohen_kappa(a, b) == pytest.approx(sklearn_metrics.cohen_kappa_score(a, b))
    ref = krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal")
    assert krippendorff_alpha(a, b) == pytest.approx(ref)


def test_missing_values_are_dropped_and_labels_may_be_text():
    a = ["政策", "市场", None, "政策", "技术"]
    b = ["政策", "政策", "市场", "政策", float("nan")]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa(["政策", "市场", "政策"], ["政策"] * 3))
    assert math.isnan(holsti(0, 0, 0))


# -- code-level tables against unit vectors ---------------------------------------------------
def _random_project(seed, n_docs=4, n_codes=5):
    rng = np.random.default_rng(seed)
    lengths = {d: int(rng.integers(40, 300)) for d in range(1, n_docs + 1)}
    rows = []
    for coder in ("甲", "乙"):
        for _ in range(int(rng.integers(10, 40))):
            d = int(rng.integers(1, n_docs + 1))
            s = int(rng.integers(0, lengths[d] - 1))
            e = int(min(lengths[d], s + rng.integers(1, 60)))
            rows.append((d, s, e, int(rng.integers(1, n_codes + 1)), coder))
    rows.append((1, 0, 5, 1, "丙"))  # a third coder is ignored
    return _codings(rows), lengths, rng


def _char_vectors(c, lengths, coder, code):
    parts = []
    for d, n in lengths.items():
        v = np.zeros(n, dtype=int)
        for r in c[(c.document == d) & (c.coder == coder) & (c.code == code)].itertuples():
            v[r.start : r.end] = 1
        parts.append(v)
    return np.concatenate(parts)


def _sentence_vectors(c, sentences, coder, code):
    out = []
    for d, spans in sentences.items():
        mine = c[(c.document == d) & (c.coder == coder) & (c.code == code)]
        for s0, s1 in spans:
            out.append(int(any(r.start < s1 and r.end > s0 for r in mine.itertuples())))
    return np.array(out)


def _check_row(row, va, vb):
    import krippendorff
    from sklearn import metrics as sklearn_metrics

    n1, n2, m = va.sum(), vb.sum(), (va & vb).sum()
    assert (row["units"], row["coded_a"], row["coded_b"], row["both"]) == (len(va), n1, n2, m)
    assert row["percent_agreement"] == pytest.approx(100 * np.mean(va == vb))
    assert row["holsti_r"] == pytest.approx(2 * m / (n1 + n2))
    assert row["kappa"] == pytest.approx(sklearn_metrics.cohen_kappa_score(va, vb))
    ref = krippendorff.alpha(reliability_data=[va, vb], level_of_measurement="nominal")
    assert row["alpha"] == pytest.approx(ref)


@pytest.mark.parametrize("seed", range(5))
def test_char_unit_matches_vectors(seed):
    c, lengths, _ = _random_project(seed)
    r = agreement(c, lengths, ("甲", "乙"))
    stack_a, stack_b = [], []
    for row in r.by_code.to_dict("records"):
        va, vb = (_char_vectors(c, lengths, who, row["code"]) for who in ("甲", "乙"))
        _check_row(row, va, vb)
        stack_a.append(va)
        stack_b.append(vb)
    _check_row(r.pooled.iloc[0], np.concatenate(stack_a), np.concatenate(stack_b))
    assert r.pooled.iloc[0]["code"] == POOLED and r.pooled.iloc[0]["codes"] == len(r.by_code)
    for row in r.by_code_document.to_dict("records"):
        one = {row["document"]: lengths[row["document"]]}
        va, vb = (_char_vectors(c, one, who, row["code"]) for who in ("甲", "乙"))
        _check_row(row, va, vb)
        assert row["pct_a_not_b"] == pytest.approx(100 * np.mean(va & (1 - vb)))


@pytest.mark.parametrize("seed", range(5))
def test_sentence_unit_matches_vectors(seed):
    c, lengths, rng = _random_project(seed)
    sentences = {}
    for d, n in lengths.items():
        cuts = sorted({0, n, *rng.integers(1, n, 6).tolist()})
        spans = [(s, e) for s, e in zip(cuts, cuts[1:], strict=False)]
        sentences[d] = pd.DataFrame(spans, columns=["start", "end"]) if d % 2 else spans
    as_lists = {d: list(map(tuple, pd.DataFrame(s).to_numpy())) for d, s in sentences.items()}
    r = agreement(c, lengths, ("甲", "乙"), unit="sentence", sentences=sentences)
    assert r.unit == "sentence"
    for row in r.by_code.to_dict("records"):
        va, vb = (_sentence_vectors(c, as_lists, who, row["code"]) for who in ("甲", "乙"))
        _check_row(row, va, vb)


def test_sentence_overlap_rule():
    """A coding touching one character of a sentence codes the whole sentence."""
    c = _codings([(1, 9, 11, 1, "A"), (1, 10, 20, 1, "B")])
    sents = {1: [(0, 10), (10, 20), (20, 30)]}
    r = agreement(c, {1: 30}, ("A", "B"), unit="sentence", sentences=sents)
    row = r.by_code.iloc[0]
    assert (row["units"], row["both"], row["a_only"], row["b_only"]) == (3, 1, 1, 0)


def test_scope_and_uncoded_documents():
    c = _codings([(1, 0, 10, 1, "A"), (1, 0, 10, 1, "B"), (9, 0, 10, 1, "A")])
    r = agreement(c, {1: 100, 2: 100}, ("A", "B"), codes=[1, 2])
    by = r.by_code.set_index("code")
    assert by.at[1, "units"] == 200 and by.at[1, "neither"] == 190 and by.at[1, "kappa"] == 1
    assert by.at[2, "kappa"] == 1.0 and math.isnan(by.at[2, "alpha"])  # nobody used code 2
    assert list(r.by_code_document["document"]) == [1]  # pairs nobody coded are left out
    assert r.to_frames()["合计"] is r.pooled


def test_code_names_are_kept():
    c = _codings([(1, 0, 10, 5, "A"), (1, 5, 10, 5, "B")]).assign(code_name="政府支持")
    r = agreement(c, {1: 20}, ("A", "B"))
    assert r.by_code.iloc[0]["code_name"] == "政府支持"
    assert r.by_code_document.iloc[0]["code_name"] == "政府支持"


@pytest.mark.parametrize(
    ("coders", "kwargs", "needle"),
    [
        (("A", "C"), {}, "'C'"),
        (("A", "A"), {}, "coders"),
        (("A", "B"), {"unit": "word"}, "unit"),
        (("A", "B"), {"unit": "sentence"}, "sentences"),
    ],
)
def test_bad_parameters(coders, kwargs, needle):
    c = _codings([(1, 0, 10, 1, "A"), (1, 0, 10, 1, "B")])
    with pytest.raises(ParameterError) as err:
        agreement(c, {1: 100}, coders, **kwargs)
    assert needle in err.value.en and err.value.zh


def test_coding_beyond_document_length_is_an_error():
    c = _codings([(1, 0, 10, 1, "A"), (1, 0, 120, 1, "B")])
    with pytest.raises(ParameterError) as err:
        agreement(c, {1: 100}, ("A", "B"))
    assert "lengths" in err.value.en and "文档 1" in err.value.zh


# -- through a real project ------------------------------------------------------------------
def test_agreement_through_a_real_project(tmp_path):
    from zhagen.project import Project

    text = "企业牵头组建创新联合体😀。政府提供𠀀政策支持。市场竞争推动技术突破。"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    p = Project.create(tmp_path / "study.zhagen")
    try:
        p.add([tmp_path / "a.txt"])
        main = p.add_code("企业牵头")
        other = p.add_code("政策支持")
        sents = p.sentences(1)
        s0, s1 = (int(v) for v in sents.end[:2])
        p.code_span(1, 0, s0, main, coder="甲")
        p.code_span(1, 2, 6, main, coder="乙")
        p.code_span(1, s0, s1, other, coder="甲")
        p.code_span(1, s0 + 2, s1 - 1, other, coder="乙")
        lengths = {1: len(p.text(1))}
        r = agreement(p.codings(), lengths, ("甲", "乙"))
        by = r.by_code.set_index("code_name")
        assert by.at["企业牵头", "both"] == 4 and by.at["企业牵头", "a_only"] == s0 - 4
        assert by.at["政策支持", "coded_b"] == s1 - s0 - 3
        assert by["units"].tolist() == [len(text)] * 2  # code points: 😀 and 𠀀 are one each
        sent = agreement(p.codings(), lengths, ("甲", "乙"), unit="sentence", sentences={1: sents})
        assert sent.by_code["kappa"].tolist() == [1.0, 1.0]
        assert sent.pooled.iloc[0]["percent_agreement"] == 100.0
    finally:
        p.close()
