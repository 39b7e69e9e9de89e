"""A ``field="terms"`` map's texts segmented by a local process pool (issue 17): the same
partition function as in process and on a cluster (``map_input.segment_batch``), each batch
sent back as integer codes (``BatchTerms``), so the map files are the same bytes whoever
segmented. The corpus is generated here: policy-like texts (titles, years, paragraphs of
policy vocabulary), imported as JSON Lines into a real project file."""

from __future__ import annotations

import json
import multiprocessing
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

import zhagen
from zhagen import map_input as mi
from zhagen.mapping.cooccurrence import doc_term_matrix
from zhagen.mapping.model import MapParams

WORDS = (
    "数字经济 新质生产力 高质量发展 乡村振兴 生态环境 营商环境 科技创新 产业链 养老服务 "
    "公共服务 人才 金融 能源 制造业 数据要素 治理 改革 开放 就业 医疗 教育 绿色 低碳 "
    "区域协调 城市更新 社会保障 风险防范 平台经济 人工智能 知识产权"
).split()
OUTPUTS = "csv,json,net"


def policy_texts(path: Path, n: int, seed: int = 17) -> Path:
    """``n`` policy-like texts as JSON Lines (title, year, content of a few paragraphs)."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            paras = [
                "".join(
                    "推进" + "和".join(rng.sample(WORDS, rng.randint(2, 4))) + "的协同发展。"
                    for _ in range(rng.randint(2, 4))
                )
                for _ in range(rng.randint(2, 4))
            ]
            doc = {"title": f"关于推进{rng.choice(WORDS)}的意见（{i}）", "year": 2010 + i % 12,
                   "content": "\n\n".join(paras)}  # fmt: skip
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def texts_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zhagen.Project]:
    folder = tmp_path_factory.mktemp("pool")
    p = zhagen.Project.create(folder / "policy.zhagen")
    report = p.add([policy_texts(folder / "policy.jsonl", 90)])
    assert report.records == 90 and not report.failed
    yield p
    p.close()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 8 texts, a pool from 3 batches: a small corpus takes the pool's path."""
    monkeypatch.setattr(mi, "SEGMENT_BATCH", 8)
    monkeypatch.setattr(mi, "POOL_MIN_BATCHES", 2)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_pool_writes_the_same_files(
    texts_project: zhagen.Project, tmp_path: Path, small_batches: None
) -> None:
    """A ``field="terms"`` map's files are the same bytes whether one process or a pool
    of two segmented the texts."""
    from zhagen.mapping import build_map
    from zhagen.report.mapfiles import WritableMap

    written = {}
    for workers in (1, 2):
        inp = mi.map_input(texts_project.store, MapParams(field="terms"),
                           texts_project.terms.segmenter, workers=workers)  # fmt: skip
        km = WritableMap.of(build_map(inp, MapParams(field="terms", min_freq=2, top=40)))
        km.write(tmp_path / str(workers), outputs=OUTPUTS)
        written[workers] = _files(tmp_path / str(workers))
    one, two = written[1], written[2]
    assert one.keys() == two.keys() and "nodes.csv" in one and "edges.csv" in one
    assert [name for name in one if one[name] != two[name]] == []
    assert one["edges.csv"].count(b"\n") > 50  # a real map, many links


def test_pool_runs_and_gives_the_codes_of_one_process(
    texts_project: zhagen.Project, small_batches: None
) -> None:
    """With ``workers=2`` the batches are segmented by worker processes (alive while the
    batches come), and the decoded terms of every text are those of one process."""
    from zhagen.store import map_keywords

    rows = list(map_keywords.map_rows(texts_project.store, keep_duplicates=False, texts=True))
    texts = [r[5] for r in rows]
    seg = texts_project.terms.segmenter
    here = [t for b in mi.segmented_batches(seg, texts, workers=1) for t in b.lists()]
    pooled, children = [], set()
    for batch in mi.segmented_batches(seg, texts, workers=2):
        children.update(p.pid for p in multiprocessing.active_children())
        assert len(batch.lengths) <= 8 and len(batch.vocab) <= len(batch.codes)
        pooled.extend(batch.lists())
    assert children  # worker processes did the segmenting
    assert pooled == here and len(here) == 90
    assert sum(map(len, here)) > 500


def test_thesaurus_in_the_pool(texts_project: zhagen.Project, small_batches: None) -> None:
    """A thesaurus (merge two terms, drop a third) applied by the workers gives the
    matrix it gives applied in process."""
    seg = texts_project.terms.segmenter
    params = MapParams(field="terms")
    thesaurus = {"数字经济": "新质生产力", "人才": ""}
    one = mi.map_input(texts_project.store, params, seg, thesaurus=thesaurus, workers=1)
    two = mi.map_input(texts_project.store, params, seg, thesaurus=thesaurus, workers=2)
    a, b = doc_term_matrix(one.terms), doc_term_matrix(two.terms)
    assert a.vocab == b.vocab and (a.matrix != b.matrix).nnz == 0
    assert "新质生产力" in a.vocab and "数字经济" not in a.vocab and "人才" not in a.vocab
    assert (one.doc_ids, one.years, one.titles) == (two.doc_ids, two.years, two.titles)


def test_small_inputs_stay_in_process(texts_project: zhagen.Project) -> None:
    """Without ``workers``, a few batches are segmented here: no worker process starts."""
    seg = texts_project.terms.segmenter
    before = {p.pid for p in multiprocessing.active_children()}
    for _batch in mi.segmented_batches(seg, ["推进数字经济发展。"] * 20):
        assert {p.pid for p in multiprocessing.active_children()} == before


#: Run in a fresh process (one thread, as the CLI): how many worker processes segmented
#: 40 texts in batches of 8 without ``workers``, then with another thread running.
CHOICE = """
import multiprocessing, threading
from zhagen import map_input as mi
from zhagen.text.segment import Segmenter
mi.SEGMENT_BATCH, mi.POOL_MIN_BATCHES = 8, 2
texts = [f"推进{k}号数字经济和乡村振兴的协同发展。" for k in range(40)]
def children():
    seen, out = set(), []
    for batch in mi.segmented_batches(Segmenter, texts):
        seen.update(p.pid for p in multiprocessing.active_children())
        out.extend(batch.lists())
    return len(seen), out
alone = children()
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
busy = children()
stop.set()
other.join()
here = [t for b in mi.segmented_batches(Segmenter, texts, workers=1) for t in b.lists()]
print(alone[0], busy[0], alone[1] == here == busy[1], len(here))
"""


def test_pool_chosen_only_from_one_thread(tmp_path: Path) -> None:
    """Many batches and no ``workers``: a pool of ``ZHAGEN_WORKERS`` from a process of
    one thread (forked workers); with another thread running (the web workbench), the
    texts are segmented here, since a fork server would run ``__main__`` again. The same
    terms either way."""
    import os
    import subprocess
    import sys

    script = tmp_path / "choice.py"
    script.write_text(CHOICE, encoding="utf-8")
    env = {**os.environ, "ZHAGEN_WORKERS": "2"}
    run = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                         text=True, check=True, timeout=120)  # fmt: skip
    alone, busy, same, n = run.stdout.split()
    assert int(alone) >= 1 and int(busy) == 0
    assert same == "True" and n == "40"
