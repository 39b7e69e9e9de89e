"""The Dask cluster path (issue 17), on a real ``dask.distributed.LocalCluster`` of two
worker processes started once for the module: an import of the shared corpora and a
keyword map through it give the documents, problems and map files an import without it
gives; a worker killed in the middle of an import loses nothing; a worker that differs
from the client is refused; without a cluster Dask is never imported."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import zhagen
from zhagen.cli import main
from zhagen.ingest import ImportPlan
from zhagen.mapping import build_map
from zhagen.mapping.model import MapParams
from zhagen.report.mapfiles import WritableMap

distributed = pytest.importorskip("distributed", reason="pip install '.[test]' (dask)")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two worker processes (one thread each) and its client."""
    import logging

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _tables(path: Path) -> dict[str, list[tuple]]:
    """Documents, sentences, problems (all but the time written) and sources (all but the
    time imported) of a project file."""
    conn = sqlite3.connect(path)
    try:
        return {
            "documents": conn.execute("SELECT * FROM documents ORDER BY id").fetchall(),
            "sentences": conn.execute(
                "SELECT * FROM sentences ORDER BY document_id, idx"
            ).fetchall(),
            "problems": conn.execute(
                "SELECT id, source_id, path, record, line, severity, code, zh, en "
                "FROM problems ORDER BY id"
            ).fetchall(),
            "sources": conn.execute(
                "SELECT id, path, sha256, size, format, status, n_records FROM sources ORDER BY id"
            ).fetchall(),
        }
    finally:
        conn.close()


def _files(folder: Path, project: str = "") -> dict[str, bytes]:
    """Each file's bytes; a workbook's or a DOCX's as the bytes of its parts but the one
    holding the time it was written (``docProps/core.xml``); ``project`` (a project file's
    path, which maps name) is replaced by ``PROJECT``."""
    import zipfile

    out: dict[str, bytes] = {}
    for p in sorted(folder.iterdir()):
        if p.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(p) as z:
                parts = [n for n in sorted(z.namelist()) if n != "docProps/core.xml"]
                data = b"\0".join(n.encode() + b"\0" + z.read(n) for n in parts)
        elif p.is_file():
            data = p.read_bytes()
        else:
            continue
        out[p.name] = data.replace(project.encode(), b"PROJECT") if project else data
    return out


def _import_and_map(work: Path, corpora: Path, cluster, out: Path) -> dict[str, list[tuple]]:
    """Import the shared corpora into ``work/study.zhagen`` (the same path each time: the
    map's summary names it) and write its keyword map to ``out``."""
    proj = work / "study.zhagen"
    for leftover in work.glob("study.zhagen*"):
        leftover.unlink()
    with zhagen.Project.create(proj, cluster=cluster) as p:
        report = p.add([corpora])
        assert report.records > 700 and not report.failed
        p.maps.build().write(out)
    return _tables(proj)


def test_corpora_import_and_map_same_through_cluster(client, corpora, tmp_path) -> None:
    """Every export, seed text and policy file of ../shared/corpora, each file read,
    cleaned and staged by a worker, and the keyword map (raw documents segmented by the
    workers): the same tables, and byte-identical map files, as without a cluster."""
    work = tmp_path / "work"
    work.mkdir()
    alone = _import_and_map(work, corpora, None, tmp_path / "alone")
    seen_before = _tasks_run(client)
    through = _import_and_map(work, corpora, client, tmp_path / "through")
    files = sum(1 for p in corpora.rglob("*") if p.is_file() and p.suffix != ".md")
    assert _tasks_run(client) - seen_before >= files  # the workers did read them
    assert through == alone
    assert len(alone["documents"]) > 700 and alone["problems"]  # a real corpus, real problems
    a, b = _files(tmp_path / "alone"), _files(tmp_path / "through")
    assert a.keys() == b.keys() and len(a) > 5
    assert [name for name in a if a[name] != b[name]] == []
    # added again (as after an interrupted import): what is there is skipped, not re-read
    seen_before = _tasks_run(client)
    with zhagen.Project.open(work / "study.zhagen", cluster=client) as p:
        again = p.add([corpora])
    assert {f.status for f in again.files} == {"skipped"}
    assert len(again.files) == sum(1 for p in corpora.rglob("*") if p.is_file())
    assert _tasks_run(client) == seen_before


def _tasks_run(client) -> int:
    """Tasks the cluster's workers have finished so far (from the scheduler's log of
    task transitions to memory)."""

    def count(dask_scheduler) -> int:  # noqa: ANN001 - Dask passes its scheduler
        return sum(1 for t in dask_scheduler.transition_log if t[2] == "memory")

    return client.run_on_scheduler(count)


def _chunked(size: int, cluster=None) -> ImportPlan:
    return ImportPlan(workers=2, parallel_min_bytes=1, chunk_bytes=size, cluster=cluster)


def test_chunks_of_an_export_through_cluster(client, corpora, tmp_path) -> None:
    """A WoS export and a CNKI RefWorks export cut into chunks of a few records, read by
    the cluster's workers: the tables of a one-process read (numbers, problems, the
    held-back last record), and the chunks went to the cluster."""
    one = ImportPlan(workers=1, parallel_min_bytes=1 << 62)
    for path in (corpora / "wos" / "plaintext_344_fullrecord.txt",
                 corpora / "cnki" / "refworks_2024_298.txt"):  # fmt: skip
        size = max(2_000, path.stat().st_size // 15)
        expected = _import(tmp_path / f"one_{path.stem}.zhagen", [path], one)
        before = _tasks_run(client)
        got = _import(tmp_path / f"c_{path.stem}.zhagen", [path], _chunked(size, client))
        assert got == expected, path.name
        assert _tasks_run(client) - before >= 10
        from test_import_links import assert_links_derived, keyword_links

        one_links = keyword_links(tmp_path / f"one_{path.stem}.zhagen")[2]
        assert assert_links_derived(tmp_path / f"c_{path.stem}.zhagen", tmp_path) == len(one_links)


def _import(proj: Path, paths: list[Path], plan: ImportPlan) -> dict[str, list[tuple]]:
    with zhagen.Project.create(proj) as p:
        p.add(paths, plan=plan)
    return _tables(proj)


def _replicated(src: Path, times: int, dest: Path) -> Path:
    """``src`` (a CNKI RefWorks export) written ``times`` times over, with every title
    made distinct so that none is a duplicate of another."""
    text = src.read_bytes()
    with open(dest, "wb") as fh:
        for k in range(times):
            fh.write(text.replace(b"\nT1 ", f"\nT1 {k}-".encode()))
            fh.write(b"\r\n")
    return dest


def test_worker_killed_mid_import_loses_nothing(client, corpora, tmp_path) -> None:
    """A worker process killed (SIGKILL) while an import's chunks are on the cluster: the
    nanny starts a new one, Dask computes the lost chunks again, and the import completes
    with the tables of an import that nothing interrupted."""
    src = _replicated(corpora / "cnki" / "refworks_2024_298.txt", 12, tmp_path / "big.txt")
    plan = _chunked(16_000, client)
    expected = _import(tmp_path / "expected.zhagen", [src], _chunked(16_000))
    pids = client.run(os.getpid)
    killed: list[tuple[int, bool]] = []
    done = threading.Event()

    def kill_one() -> None:
        deadline = time.monotonic() + 120
        while not done.is_set() and time.monotonic() < deadline:
            held = {w: keys for w, keys in client.has_what().items() if keys}
            busy = {w for w, tasks in client.processing().items() if tasks}
            for worker in (*held, *busy):
                if worker in pids:
                    os.kill(pids[worker], signal.SIGKILL)
                    killed.append((pids[worker], done.is_set()))
                    return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_one)
    killer.start()
    try:
        got = _import(tmp_path / "killed.zhagen", [src], plan)
    finally:
        done.set()
        killer.join()
    assert killed and killed[0][1] is False  # killed while the import ran
    assert got == expected and len(got["documents"]) > 3000
    client.wait_for_workers(2, timeout=60)  # the nanny replaced it, for the next tests


def test_worker_with_other_options_is_refused(client, corpora, tmp_path, monkeypatch) -> None:
    """A task on a worker whose version or options differ raises ClusterError (Chinese
    and English); so does connecting when the client's options differ from the
    workers', before anything is written."""
    from zhagen.cluster import ClusterError, checked, fingerprint

    with pytest.raises(ClusterError) as err:
        client.submit(checked, len, [1, 2], ("0.0.0", fingerprint()[1]), pure=False).result()
    assert "同一版本" in err.value.zh and "same version" in err.value.en
    monkeypatch.setenv("ZHAGEN_MAX_PDF_PAGES", "12345")
    fingerprint.cache_clear()
    try:
        with zhagen.Project.create(tmp_path / "x.zhagen", cluster=client) as p:
            with pytest.raises(ClusterError) as err:
                p.add(corpora / "cnki" / "estudy_20.txt")
            assert p.documents.find().total == 0
    finally:
        fingerprint.cache_clear()
    assert "ZHAGEN_MAX_" in err.value.zh and "same environment variables" in err.value.en


def test_worker_that_cannot_see_the_file_is_refused(client, tmp_path) -> None:
    """A partition read by path on a worker where that path does not exist (no shared
    folder) is a ClusterError naming the file, not a damaged import."""
    from zhagen.cluster import ClusterError, checked, fingerprint
    from zhagen.ingest.pipeline import FileTask, prepare_file

    task = FileTask(str(tmp_path / "nowhere.txt"), None, ImportPlan())
    with pytest.raises(ClusterError) as err:
        client.submit(checked, prepare_file, task, fingerprint(), pure=False).result()
    assert err.value.file == task.path and "共享文件夹" in err.value.zh


def test_cli_cluster_option_and_environment(client, corpora, tmp_path, monkeypatch, capsys):
    """``zhagen add --cluster tcp://…`` (an existing scheduler) and ``ZHAGEN_CLUSTER`` for
    ``zhagen map``: the same documents and map as without; a bad address is refused in
    both languages before anything is done."""
    monkeypatch.setenv("ZHAGEN_LANG", "both")
    address = client.scheduler.address
    plain, through = str(tmp_path / "plain.zhagen"), str(tmp_path / "through.zhagen")
    files = [str(corpora / "cnki" / "estudy_20.txt"), str(corpora / "wos" / "plaintext_10.txt")]
    for proj, extra in ((plain, []), (through, ["--cluster", address])):
        assert main(["new", proj]) == 0
        assert main(["add", proj, *files, *extra]) == 0
    capsys.readouterr()
    assert _tables(Path(through))["documents"] == _tables(Path(plain))["documents"]
    assert main(["map", plain, "--out", str(tmp_path / "m1"), "--min-freq", "1"]) == 0
    monkeypatch.setenv("ZHAGEN_CLUSTER", address)
    assert main(["map", through, "--out", str(tmp_path / "m2"), "--min-freq", "1"]) == 0
    # the same files but for the name of the project file
    one = _files(tmp_path / "m1", os.path.abspath(plain))
    two = _files(tmp_path / "m2", os.path.abspath(through))
    assert one.keys() == two.keys() and len(one) > 5
    assert [name for name in one if one[name] != two[name]] == []
    assert json.loads(one["summary.json"])["project"] == "PROJECT"
    monkeypatch.delenv("ZHAGEN_CLUSTER")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["add", plain, files[0], "--cluster", "local:0"])
    err = capsys.readouterr().err
    assert "local:N" in err and "集群地址" in err


def test_no_dask_without_a_cluster(corpora, tmp_path) -> None:
    """A plain import and map never import Dask (a fresh interpreter)."""
    code = (
        "import sys, zhagen\n"
        f"p = zhagen.Project.create({str(tmp_path / 'p.zhagen')!r})\n"
        f"p.add({str(corpora / 'cnki' / 'estudy_20.txt')!r})\n"
        "p.maps.build(min_freq=1, record=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("ZHAGEN_CLUSTER", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert out.stdout.strip() == "[]"


def test_local_spec_starts_and_closes_its_own_cluster(tmp_path, corpora) -> None:
    """``cluster="local:2"``: a LocalCluster started on first use (not on open) and
    closed with the project; ``local:1`` runs the partitions here and never starts Dask
    (one worker cannot beat no cluster), with the same documents."""
    shutil.copy(corpora / "cnki" / "estudy_20.txt", tmp_path / "e.txt")
    shutil.copy(corpora / "cnki" / "endnote_40.txt", tmp_path / "n.txt")
    p = zhagen.Project.create(tmp_path / "p.zhagen", cluster="local:2")
    assert p.cluster is not None and not p.cluster.started
    try:
        assert p.add([tmp_path / "e.txt", tmp_path / "n.txt"]).records == 60
        assert p.cluster.started and p.cluster.computed == 2
    finally:
        p.close()
    assert not p.cluster.started
    with zhagen.Project.create(tmp_path / "one.zhagen", cluster="local:1") as one:
        assert one.add([tmp_path / "e.txt", tmp_path / "n.txt"]).records == 60
        assert not one.cluster.started and one.cluster.computed == 2
    assert (
        _tables(tmp_path / "one.zhagen")["documents"] == _tables(tmp_path / "p.zhagen")["documents"]
    )


def _export_with_duplicates(src: Path, dest: Path) -> Path:
    """``src`` (a CNKI RefWorks export) four times over: copies 1 and 3 with their titles
    made distinct, copy 2 exactly copy 0 again (every record a duplicate of one there);
    in copies 0 and 3, the year of the fifth record not understood (a problem)."""
    text = src.read_bytes()
    with open(dest, "wb") as fh:
        for k, bad in ((0, True), (1, False), (0, False), (3, True)):
            copy = text.replace(b"\nT1 ", f"\nT1 {k}-".encode()) if k else text
            if bad:
                at = copy.index(b"\nYR ", copy.index(b"RT ") + 4 * 1000)
                copy = copy[:at] + b"\nYR 20x5" + copy[copy.index(b"\r\n", at) :]
            fh.write(copy + b"\r\n")
    return dest


def _import_log(path: Path) -> list[dict]:
    conn = sqlite3.connect(path)
    try:
        return [json.loads(p) for (p,) in conn.execute(
            "SELECT payload FROM log WHERE action = 'import' ORDER BY id")]  # fmt: skip
    finally:
        conn.close()


def test_client_killed_mid_merge_resumes_after_what_it_merged(client, corpora, tmp_path) -> None:
    """With a shards folder, the client process killed (SIGKILL) once it has merged 5 of
    an export's chunks: run again, the import merges only the chunks after them (their
    marks, committed with their rows, say where it stopped; they are neither read nor
    merged again), reads the shards the workers wrote for the others, and gives the
    documents, sentences, duplicates, problems and source of an import that nothing
    interrupted; the shards are removed once merged."""
    from test_ingest import killed_after
    from zhagen.cluster import Cluster

    src = _export_with_duplicates(corpora / "cnki" / "refworks_2024_298.txt", tmp_path / "e.txt")
    counted = Cluster(client)
    expected = _import(tmp_path / "expected.zhagen", [src], _chunked(16_000, counted))
    total = counted.computed  # the export's chunks
    assert total > 40 and len(expected["documents"]) == 4 * 298
    dup_of = [row[-2] for row in expected["documents"]]  # documents.dup_of
    assert sum(d is not None for d in dup_of) >= 298 and len(expected["problems"]) >= 2
    proj, shards = tmp_path / "killed.zhagen", tmp_path / "shards"
    killed_after(proj, src, 5, 16_000, client.scheduler.address, str(shards))
    conn = sqlite3.connect(proj)
    marks = conn.execute("SELECT unit FROM merged_units ORDER BY unit").fetchall()
    stored = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    conn.close()
    assert [u for (u,) in marks] == [0, 1, 2, 3, 4]  # durable: the 5 committed units
    assert 0 < stored < len(expected["documents"])
    before = _tables(proj)
    assert before["documents"] == expected["documents"][:stored]
    assert 0 < len(before["problems"]) < len(expected["problems"])  # problems on both sides
    cluster = Cluster(client, shards=shards)
    with zhagen.Project.open(proj) as p:
        report = p.add([src], plan=_chunked(16_000, cluster))
    assert cluster.skipped == 5 and cluster.reused + cluster.computed == total - 5
    # how many of the rest the workers had already written as shards (reused) depends on how
    # far ahead they ran before the kill, so only the sum is asserted
    assert _import_log(proj)[-1]["resumed"] == {"units": 5, "merged_now": total - 5}
    got = _tables(proj)
    assert got == expected  # documents (duplicates marked), sentences, problems, sources
    from test_import_links import assert_links_derived

    assert_links_derived(proj, tmp_path)  # the keyword links made by the workers
    assert report.records == len(expected["documents"])
    assert len(report.problems) == len(expected["problems"])
    with sqlite3.connect(proj) as conn:
        assert conn.execute("SELECT COUNT(*) FROM merged_units").fetchone()[0] == 0
    assert list(shards.iterdir()) == []  # merged, so removed (the skipped chunks' too)


def test_shards_of_another_version_are_refused(client, corpora, tmp_path) -> None:
    """A shard written by another zhagen version (or with other options) is never
    merged: the import stops with a ClusterError in Chinese and English naming the shard
    and saying what to do, before anything is written. Through the CLI, ``--shards``
    takes the folder; the shards are removed after the import."""
    from zhagen.cluster import Cluster, ClusterError

    path = corpora / "cnki" / "estudy_20.txt"
    shards = tmp_path / "shards"
    made = Cluster(client, shards=shards)
    from zhagen.ingest.pipeline import FileTask, prepare_file

    task = FileTask(str(path), None, ImportPlan())
    assert [w.fmt for w in made.map_partitions(prepare_file, [task])] == ["cnki-estudy"]
    (shard,) = shards.glob("*.zshard")
    data = shard.read_bytes()
    head, meta, rest = data.split(b"\n", 2)
    version = json.loads(meta)["zhagen"]
    shard.write_bytes(b"\n".join([head, meta.replace(version.encode(), b"0.0.1"), rest]))
    with zhagen.Project.create(tmp_path / "p.zhagen", cluster=client, shards=str(shards)) as p:
        with pytest.raises(ClusterError) as err:
            p.add(path)
        assert p.documents.find().total == 0
    assert err.value.file == str(shard)
    assert "zhagen 0.0.1" in err.value.zh and "删除" in err.value.zh
    assert "written by zhagen 0.0.1" in err.value.en and "--shards" in err.value.en
    shard.unlink()
    proj = str(tmp_path / "cli.zhagen")
    assert main(["new", proj]) == 0
    address = client.scheduler.address
    assert main(["add", proj, str(path), "--cluster", address, "--shards", str(shards)]) == 0
    assert len(_tables(Path(proj))["documents"]) == 20 and list(shards.iterdir()) == []


def test_cooccurrence_summed_across_partitions_on_the_cluster(client) -> None:
    """Per-partition co-occurrence counts of a document-term matrix, summed pairwise on
    the workers (a tree reduction): exactly the one product's counts."""
    import numpy as np
    import scipy.sparse as sp

    from zhagen.cluster import Cluster
    from zhagen.mapping.cooccurrence import cooccurrence, row_blocks

    rng = np.random.default_rng(5)
    dense = (rng.random((2_000, 60)) < 0.08).astype(np.int32)
    x = sp.csr_matrix(dense)
    summed = Cluster(client).tree_reduce(cooccurrence, row_blocks(x, 150), _add)
    assert summed.shape == (60, 60) and summed.sum() > 0
    assert (summed != cooccurrence(x)).nnz == 0
    assert np.array_equal(summed.toarray(), dense.T.astype(np.int64) @ dense)


def _add(a, b):  # a module function: the workers unpickle it by name
    return a + b


def test_hpc_recipe_runs_on_a_cluster(client, corpora, tmp_path) -> None:
    """``examples/cluster/hpc.py``'s ``run`` (what its ``main`` does once dask-jobqueue
    has started the workers), on this LocalCluster: the documents of an import without
    a cluster, and the keyword map written."""
    from test_examples_cluster import load_recipe

    files = [str(corpora / "cnki" / "estudy_20.txt"), str(corpora / "cnki" / "endnote_40.txt")]
    plain = tmp_path / "plain.zhagen"
    with zhagen.Project.create(plain) as p:
        p.add(files)
    proj = tmp_path / "hpc.zhagen"
    load_recipe().run(str(proj), files, client.cluster, str(tmp_path / "s"), str(tmp_path / "m"))
    assert _tables(proj)["documents"] == _tables(plain)["documents"]
    assert (tmp_path / "m" / "summary.json").exists() and not list((tmp_path / "s").iterdir())


def test_terms_map_same_through_cluster(client, tmp_path, monkeypatch) -> None:
    """A ``field="terms"`` map of generated policy texts: segmented by the cluster's
    workers (each batch sent back as integer codes), the same map files as segmented
    here (a local pool: tests/test_terms_pool.py)."""
    from test_terms_pool import OUTPUTS, policy_texts
    from zhagen import map_input as mi

    monkeypatch.setattr(mi, "SEGMENT_BATCH", 8)  # 8 tasks of 8 texts, not one of 60
    proj = tmp_path / "policy.zhagen"
    with zhagen.Project.create(proj) as p:
        assert p.add([policy_texts(tmp_path / "policy.jsonl", 60)]).records == 60
    written = {}
    for name, cluster in (("here", None), ("dask", client)):
        # the tasks run meanwhile (the scheduler's log of transitions is bounded)
        with distributed.get_task_stream(client) as stream, \
                zhagen.Project.open(proj, cluster=cluster) as p:  # fmt: skip
            inp = mi.map_input(p.store, MapParams(field="terms"), p.terms.segmenter,
                               cluster=p.cluster, workers=1)  # fmt: skip
            km = WritableMap.of(build_map(inp, MapParams(field="terms", min_freq=2, top=40)))
        assert len(stream.data) == (8 if cluster else 0)  # 60 texts: 8 batches, 8 tasks
        km.write(tmp_path / name, outputs=OUTPUTS)
        written[name] = _files(tmp_path / name)
    here = written["here"]
    assert "edges.csv" in here and here["edges.csv"].count(b"\n") > 50
    dask = written["dask"]
    assert dask.keys() == here.keys() and [n for n in here if dask[n] != here[n]] == []
