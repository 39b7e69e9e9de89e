"""``map_input``: the chunked, vectorised read gives exactly what reading record by record gives.

The reference below is the documented rule written plainly (one record at a time: keyword
lists of the wanted languages, CiteSpace normalisation, unique within a record, a raw
document's segmented text when it has no keyword, then the thesaurus). Documents are written
straight into a project through the store, so that keywords the format readers would never
produce (JSON escapes, odd whitespace, non-list values, unknown languages) reach the reader.
"""

from __future__ import annotations

import json
import random

import pytest

import zhagen
from zhagen.map_input import LANG_KEYS, map_input, prefetch
from zhagen.mapping import build_map
from zhagen.mapping.cooccurrence import TermRows, doc_term_matrix
from zhagen.mapping.model import MapParams
from zhagen.store import docs as store_docs
from zhagen.store import map_keywords

TRICKY = [
    "新质生产力", "数字经济", "　数字经济　", " 数字经济", "人工智能", "虚拟现实", "VR",
    "Digital  Economy", "digital economy", " DIGITAL ECONOMY ", "Tab\tSeparated", "a\"quote",
    "back\\slash", "line\nbreak", "unit\x1fsep", "", "   ", "\u3000", "ＡＢＣ", "Ärger", "ärger",
    "C++", "[J]", "x,y", "a\",\"b", "emoji 🙂", "Zhagen", "zhagen", "\u2028sep",
]  # fmt: skip


class _Segmenter:
    """Stands in for jieba: whitespace-separated words."""

    def terms(self, text: str) -> list[str]:
        return text.split()


def _keywords(rng: random.Random) -> dict:
    if rng.random() < 0.1:
        return {}
    out: dict = {}
    for key in ("zh", "en", "plus", "other"):
        if rng.random() < 0.6:
            out[key] = rng.sample(TRICKY, rng.randint(0, 5))
    if rng.random() < 0.05:
        out["zh"] = rng.choice(TRICKY)  # a bare string, not a list
    return out


def _json(kw: dict, k: int) -> str:
    """Mostly zhagen's compact JSON; some documents as other writers would store it."""
    if k % 50 == 7:
        return json.dumps(kw, ensure_ascii=False, indent=1)  # line breaks, spaces
    if k % 50 == 9:
        return json.dumps(kw)  # ", " and ": " separators, \\uXXXX escapes
    return json.dumps(kw, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    rng = random.Random(7)
    proj = zhagen.Project.create(tmp_path_factory.mktemp("mi") / "p.zhagen")
    rows = []
    for k in range(400):
        kw = _keywords(rng)
        body = " ".join(rng.sample(["甲", "乙", "丙", "丁", "Word"], 3)) if k % 37 == 5 else None
        title = f"标题 {k % 150}" + ("\x1f!" if k % 97 == 3 else "")
        year = None if k % 11 == 0 else 2010 + k % 13
        dup_key = f"t{k % 150}|{year}"
        rows.append((0, k + 1, "test", "raw" if body else "article", title, "[]", "[]", "",
                     year, "", "", "", _json(kw, k),
                     "", "", "", "", "", body, None, "{}", "[]", "{}", dup_key))  # fmt: skip
    with proj.store.transaction():
        sid = store_docs.insert_source(proj.store, path="t", abspath=None, sha256="x" * 64,
                                       size=0, fmt="test", status="ok")  # fmt: skip
        store_docs.insert_documents(proj.store, [(sid, *r[1:]) for r in rows])
        store_docs.mark_duplicates(proj.store, sid)
    yield proj
    proj.close()


def _norm(kw: str) -> str:
    kw = kw.strip()
    return " ".join(kw.lower().split()) if kw.isascii() else kw


def _reference(project, lang: str, thesaurus: dict | None, keep_duplicates: bool):
    ids, years, titles, terms = [], [], [], []
    for doc_id in sorted(project.documents()["id"].tolist()):
        d = project.document(int(doc_id))
        if not keep_duplicates and d["dup_of"] is not None:
            continue
        found: list[str] = []
        for key in LANG_KEYS[lang]:
            by_lang = d["keywords"] if isinstance(d["keywords"], dict) else {}
            values = by_lang.get(key) or []
            for kw in [values] if isinstance(values, str) else values:
                kw = kw.strip()
                if kw.isascii():
                    kw = " ".join(kw.lower().split())
                if kw and kw not in found:
                    found.append(kw)
        if not found and d["body"]:
            found = list(dict.fromkeys(d["body"].split()))
            if lang != "all":  # a document without keywords: its terms' script decides
                found = [t for t in found if (not t.isascii()) == (lang == "zh")]
        if thesaurus:
            # labels match as written or normalised; replacements are normalised (issue 13)
            table = {**{_norm(k): _norm(v) for k, v in thesaurus.items()},
                     **{k: _norm(v) for k, v in thesaurus.items()}}  # fmt: skip
            found = list(dict.fromkeys(table.get(t, t) for t in found if table.get(t, t)))
        ids.append(d["id"])
        years.append(d["year"])
        titles.append(d["title"])
        terms.append(sorted(found))
    return ids, years, titles, terms


@pytest.mark.parametrize("chunk", [7, 64, 100_000])
@pytest.mark.parametrize("lang", ["all", "zh", "en"])
@pytest.mark.parametrize("keep", [True, False])
def test_same_as_reading_record_by_record(project, monkeypatch, chunk, lang, keep):
    monkeypatch.setattr(map_keywords, "CHUNK", chunk)
    thesaurus = {"数字经济": "digital economy", "vr": "", "虚拟现实": "VR"} if chunk == 7 else None
    inp = map_input(project.store, MapParams(lang=lang), _Segmenter, thesaurus=thesaurus,
                    keep_duplicates=keep)  # fmt: skip
    ids, years, titles, terms = _reference(project, lang, thesaurus, keep)
    assert inp.doc_ids == ids
    assert inp.years == years
    assert inp.titles == titles
    assert isinstance(inp.terms, TermRows)
    assert [sorted(t) for t in inp.terms] == terms
    # the matrix is the one doc_term_matrix builds from the plain lists
    plain = doc_term_matrix(terms)
    got = doc_term_matrix(inp.terms)
    assert got.vocab == plain.vocab
    assert (got.matrix != plain.matrix).nnz == 0
    assert sum(1 for t in terms if t) > 100


def test_fast_path_and_fallback_both_taken(project, monkeypatch):
    """Titles with U+001F, keywords with JSON escapes and pretty-printed JSON exist, so
    every path ran above."""
    titles = project.documents()["title"].tolist()
    assert any("\x1f" in t for t in titles)
    chunks = list(map_keywords.map_keyword_chunks(project.store, keep_duplicates=True, size=50))
    assert sum(len(c.ids) for c in chunks) == 400
    assert any("\\" in c.keywords for c in chunks) and any(c.bodies for c in chunks)
    assert any('"zh": [' in c.keywords for c in chunks)


def test_map_of_the_fast_input_equals_the_map_of_plain_lists(project):
    params = MapParams(min_freq=1, top=20)
    inp = map_input(project.store, params, _Segmenter, keep_duplicates=True)
    plain = type(inp)(inp.doc_ids, inp.years, [list(t) for t in inp.terms], inp.titles)
    a, b = build_map(inp, params), build_map(plain, params)
    assert a.summary["input_hash"] == b.summary["input_hash"]
    assert a.nodes.equals(b.nodes) and a.edges.equals(b.edges) and a.bursts.equals(b.bursts)
    assert a.node_docs == b.node_docs and a.doc_titles == b.doc_titles


def test_prefetch_passes_items_errors_and_stops_early():
    assert list(prefetch(iter(range(100)), depth=3)) == list(range(100))

    def failing():
        yield 1
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        list(prefetch(failing()))
    produced = []

    def endless():
        k = 0
        while True:
            produced.append(k)
            yield k
            k += 1

    gen = prefetch(endless(), depth=2)
    assert [next(gen) for _ in range(5)] == [0, 1, 2, 3, 4]
    gen.close()  # joins the producer: it stopped
    assert len(produced) <= 5 + 3


def test_field_terms_segments_every_document(project):
    inp = map_input(project.store, MapParams(field="terms"), _Segmenter, keep_duplicates=True)
    expected = []
    for doc_id in sorted(project.documents()["id"].tolist()):
        d = project.document(int(doc_id))
        text = d["body"] if d["body"] is not None else d["title"] + "\n" + d["abstract"]
        expected.append(list(dict.fromkeys(text.split())))
    # the terms come as codes, straight into the matrix (issue 17): the matrix of the
    # lists, each record's terms in code-point order
    assert isinstance(inp.terms, TermRows)
    assert list(inp.terms) == [sorted(t) for t in expected]
    dt, ref = doc_term_matrix(inp.terms), doc_term_matrix(expected)
    assert dt.vocab == ref.vocab and (dt.matrix != ref.matrix).nnz == 0
    assert len(inp.doc_ids) == 400
