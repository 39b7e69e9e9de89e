"""Issue 16 at scale: ``zhagen run`` on a 100 000-record literature set plus 1 000 coded
documents, with the time of every step from the run's manifest.

The literature set is the CNKI RefWorks export replicated to ``--records`` records with every
record made distinct (``_util.unique_copy``: own title, DOI, abstract and one keyword). The
coding set is ``--docs`` generated policy texts (one JSONL file, each document twenty
sentences drawn with a fixed seed from the seed texts in ../shared/corpora/seeds), a code
book (a core category, four main categories with their paradigm roles, twelve categories,
forty concepts) and two coders' codings (甲 codes eight sentences a document, 乙 the same
sentences, agreeing on four in five). The study file holds the example's steps
(examples/study/study.toml: attributes, sets, stats, the keyword / institution / timeline
maps, words, coding tables, saturation, agreement, matrix, the REFI-QDA export); then the
report is written. Run once::

    nice python bench/study.py [--records 100000] [--docs 1000] [--workdir DIR]

It prints the load average, the build (import) time and the per-step table, slowest first.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import OUT, ROOT, SHARED, loads, replicate, table, unique_copy  # noqa: E402

EXAMPLE = ROOT / "examples" / "study"
ROLES = ("因果条件", "现象", "行动策略", "结果")


def _sentences(seeds: Path) -> list[str]:
    """Every sentence of the seed texts (ending in 。！？; 12–120 characters)."""
    out: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out += [
            s.strip() + "。" for s in re.split(r"[。！？]", text) if 12 <= len(s.strip()) <= 120
        ]
    return out


def coding_set(folder: Path, docs: int, seed: int = 16) -> tuple[Path, Path, Path]:
    """The generated documents (JSONL), the code book and the two coders' codings."""
    rng = random.Random(seed)
    pool = [s for s in _sentences(SHARED / "corpora" / "seeds") if "\n" not in s]
    concepts = [f"概念{i:02d}" for i in range(40)]
    categories = [f"范畴{i:02d}" for i in range(12)]
    mains = [f"主范畴{i}" for i in range(4)]
    with open(folder / "codebook.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "parent", "level", "description", "role"])
        w.writerow(["核心范畴", "", 4, "生成的核心范畴", ""])
        for i, m in enumerate(mains):
            w.writerow([m, "核心范畴", 3, f"生成的主范畴 {i}", ROLES[i]])
        for i, c in enumerate(categories):
            w.writerow([c, mains[i % 4], 2, f"生成的范畴 {i}", ""])
        for i, c in enumerate(concepts):
            w.writerow([c, categories[i % 12], 1, "", ""])
    with open(folder / "docs.jsonl", "w", encoding="utf-8") as docs_f, \
            open(folder / "coding.csv", "w", encoding="utf-8", newline="") as cod_f:  # fmt: skip
        w = csv.writer(cod_f)
        w.writerow(["document", "sentence", "code", "coder"])
        for d in range(docs):
            title = f"生成政策文本第{d + 1:04d}号"
            body = "".join(rng.choice(pool) for _ in range(20))
            docs_f.write(json.dumps({"title": title, "content": body, "year": 2000 + d % 25},
                                    ensure_ascii=False) + "\n")  # fmt: skip
            for s in rng.sample(range(1, 19), 8):
                code = rng.choice(concepts)
                w.writerow([title, s, code, "甲"])
                w.writerow([title, s, code if rng.random() < 0.8 else rng.choice(concepts), "乙"])
    return folder / "docs.jsonl", folder / "codebook.csv", folder / "coding.csv"


def study_file(folder: Path, literature: Path, docs: Path) -> Path:
    """The example's study with these inputs (the same steps, the sets renamed to them)."""
    from zhagen.study.tomlw import dumps

    doc = tomllib.loads((EXAMPLE / "study.toml").read_text(encoding="utf-8"))
    doc["study"]["name"] = f"规模测试：{literature.name} + {docs.name}"
    doc["import"] = {"workers": 2}
    doc["inputs"] = [{"path": str(literature), "label": "literature"},
                     {"path": str(docs), "label": "coding"}]  # fmt: skip
    for name in ("thesaurus.txt", "userdict.txt"):
        (folder / name).write_bytes((EXAMPLE / name).read_bytes())
    doc["coding"] = {"codebook": "codebook.csv", "from": ["coding.csv"]}
    doc["steps"]["sets"]["params"] = {
        "literature": {"query": f"source:{literature.name}"},
        "coding": {"query": f"source:{docs.name}"},
    }
    path = folder / "study.toml"
    path.write_text(dumps(doc), encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--workdir", type=Path, default=OUT / "study")
    a = ap.parse_args()
    a.workdir.mkdir(parents=True, exist_ok=True)
    for old in ("study.zhagen", "study.zhagen-wal", "study.zhagen-shm"):
        (a.workdir / old).unlink(missing_ok=True)
    src = SHARED / "corpora" / "cnki" / "refworks_2024_298.txt"
    literature = unique_copy(replicate(src, "refworks", a.records), "refworks")
    docs, _, _ = coding_set(a.workdir, a.docs)
    path = study_file(a.workdir, literature, docs)
    print(f"load before: {loads()}")
    zhagen = [sys.executable, "-m", "zhagen"]
    t0 = time.perf_counter()
    subprocess.run([*zhagen, "run", str(path), "--force", "all"], check=True)
    run_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    subprocess.run([*zhagen, "report", str(path), "--out", str(a.workdir / "report")], check=True)
    report_s = time.perf_counter() - t1
    print(f"load after: {loads()}")
    manifest = json.loads((a.workdir / "out" / "manifest.json").read_text(encoding="utf-8"))
    coding = manifest["projects"][0]["coding"]
    print(f"\n{a.records} literature records ({literature.name}) + {a.docs} coded documents "
          f"({coding.get('codings')} codings by {coding.get('coders')})")  # fmt: skip
    rows = [{"step": "build (import, coding)", "kind": "", "seconds": manifest["build"]["seconds"]}]
    rows += [{"step": s["name"], "kind": s["kind"], "seconds": s["seconds"]}
             for s in manifest["steps"]]  # fmt: skip
    rows.append({"step": "zhagen run (whole process)", "kind": "", "seconds": round(run_s, 1)})
    rows.append({"step": "zhagen report", "kind": "", "seconds": round(report_s, 1)})
    print(table(rows, ["step", "kind", "seconds"]))


if __name__ == "__main__":
    main()
