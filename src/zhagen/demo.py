"""``zhagen demo``: build a project from the shipped sample data and run every stage.

The sample data in ``examples/`` was written by the zhagen developers (fictional texts and
records). The demo writes a project file and the outputs of each stage into ``--out``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from zhagen.formats.spreadsheet import write_csv
from zhagen.project import Project

__all__ = ["run_demo", "examples_dir"]


def examples_dir() -> Path:
    """The ``examples/`` folder of the source tree."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "examples"
        if (cand / "make_samples.py").is_file():
            return cand
    raise FileNotFoundError("examples/ not found; run the demo from a clone of the repository")


def _say(title: str) -> None:
    from zhagen.console import say

    number, _, rest = title.partition(". ")  # "7. 知识图谱 / knowledge map"
    zh, _, en = rest.partition(" / ")
    print(f"\n== {number}. {say(zh, en) if en else rest} ==", flush=True)


def _map_stage(project: Project, out: Path) -> None:
    _say("7. 知识图谱 / knowledge map (record keywords; terms of the raw documents)")
    km = project.maps.build(top=30)
    km.write(out / "map")
    s = km.summary
    print(
        f"  {s['records']} records → {s['nodes']} nodes, {s['edges']} links, "
        f"{s['clusters']} clusters, Q = {s['modularity']:.3f}, S = {s['silhouette']:.3f}"
    )
    top = km.bursts.head(5)
    for row in top.itertuples(index=False):
        print(f"  burst: {row.term} {row.begin}–{row.end} (strength {row.strength:.2f})")
    print(f"  files: {out / 'map'}/ (map.png, map.html, tables.xlsx, network.gexf, …)")


def _coding_stage(project: Project, out: Path) -> None:
    from zhagen.console import print_frame, say
    from zhagen.demo_coding import run_coding

    _say("8. 扎根编码 / grounded-theory coding (two fictional coders)")
    done = run_coding(project)
    print(f"  codings: 研究者A {done['A']}, 研究者B {done['B']}")
    codes = project.codes.frame()
    print_frame(codes[["id", "name", "level_name", "parent", "count", "total"]].head(12))
    write_csv(project.codings.frame(), out / "codings.csv")

    _say("9. 论文表格、饱和度、一致性 / paper tables, saturation, agreement")
    written = project.reports.write(out / "tables")
    print(f"  编码过程 / coding: {written.chain}")
    print(f"  tables: {', '.join(str(f) for f in written.files)}")
    sat = project.reports.saturation(holdout="1/3", seed=1, types=["document"])
    print(f"  {say(sat.verdict_zh, sat.verdict_en)}")
    agr = project.reports.agreement(["研究者A", "研究者B"], unit="char")
    pooled = agr.pooled.iloc[0]
    print(
        f"  研究者A × 研究者B (characters): agreement {pooled['percent_agreement']:.1f} %, "
        f"Cohen's κ {pooled['kappa']:.3f}, Krippendorff's α {pooled['alpha']:.3f}"
    )
    write_csv(agr.by_code, out / "agreement.csv")


def run_demo(out: str | Path = "zhagen-demo") -> int:
    """Run the demo; returns a process exit code."""
    from zhagen.console import print_frame

    ex = examples_dir()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "demo.zhagen"
    for stale in out.glob("demo.zhagen*"):
        stale.unlink()
    project = Project.create(path)
    _say("1. 导入 / import")
    report = project.add(
        [ex / "docs", ex / "cnki", ex / "bad"],
        progress=lambda fr: print(f"  {fr.status:7} {fr.records:4}  {fr.path}"),
    )
    for p in report.problems:
        if p.severity == "error":
            print(f"  ! {p.message}")
    print(
        f"  imported {report.records} records from {len(report.files)} files; "
        f"{len(report.failed)} failed (the files in examples/bad are meant to fail)"
    )

    docs = project.documents.frame()
    write_csv(docs.drop(columns=["keywords_by_lang"]), out / "documents.csv")
    write_csv(project.documents.problems(), out / "problems.csv")
    _say("2. 文档 / documents (first 12)")
    print_frame(docs[["id", "type", "format", "year", "title", "keywords"]].head(12))

    _say("3. 清洗 / cleaning (traditional text with converter garbage)")
    trad = docs[docs["source"].str.contains("05_")]
    if len(trad):
        doc_id = int(trad["id"].iloc[0])
        print("  original:", project.documents.text(doc_id, original=True)[:80].replace("\n", " "))
        print("  cleaned: ", project.documents.text(doc_id)[:80].replace("\n", " "))
        print("  repairs: ", project.documents.get(doc_id)["cleaning"].get("body", {}))

    _say("4. 原始语句 / sentences of the first document")
    first = int(docs[docs["type"] == "document"]["id"].iloc[0])
    sents = project.documents.sentences(first)
    write_csv(sents, out / "sentences.csv")
    for row in sents.head(6).itertuples(index=False):
        print(f"  [{row.idx + 1}] {row.text}")  # numbered from 1, as `zhagen show` does

    _say("5. 分词 / segmentation (domain dictionary keeps policy terms whole)")
    print("  " + " / ".join(project.terms.segmenter().cut(sents["text"].iloc[1])))

    _say("6. 术语发现 / term discovery in the raw documents (terms the dictionary lacks)")
    terms = project.terms.discover(top=15, min_freq=2, types=["document"])
    write_csv(terms, out / "terms.csv")
    print_frame(terms[["term", "freq", "score", "in_dictionary", "example"]].head(15))

    _map_stage(project, out)
    _coding_stage(project, out)
    project.close()
    _say("完成 / done")
    print(f"  project: {path}\n  outputs: {out}/")
    shutil.copy(ex / "README.md", out / "SAMPLE_DATA_README.md")
    return 0
