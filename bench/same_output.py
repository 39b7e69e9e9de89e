"""Do two source trees of zhagen give the same CLI output and files on the shared corpora?

Runs the main commands (add the CNKI and WoS exports and the seed documents, docs, show,
terms, two maps, code/coding/relation/memo/storyline, lists, search, tables, saturation,
agreement, undo/redo, export-qdc) once with each tree, each in a folder of its own, and
compares what they printed and every file they wrote. Masked before comparing: the run
folder, ISO timestamps, REFI-QDA GUIDs (derived from creation times) and the creation
time inside XLSX/DOCX files; the project files themselves are not compared.

    python bench/same_output.py BEFORE/src AFTER/src [--out bench/out/same]

Exit code 0 when everything is the same.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora"
TS = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:[\d.]+(\+00:\S*|Z)?")
GUID = re.compile(rb'guid="[0-9a-f-]+"')


def commands(c: Path) -> list[list[str]]:
    p = "p.zhagen"
    add = [str(c / "cnki" / f) for f in ("refworks_2024_298.txt", "endnote_40.txt",
           "noteexpress_15_alltypes.net", "estudy_20.txt")]  # fmt: skip
    add += [str(c / "wos" / "plaintext_344_fullrecord.txt"), str(c / "seeds")]
    code = [["coding", "sentences", p, "700", "科技创新", "0", "1", "2", "--coder", "甲"],
            ["coding", "sentences", p, "700", "科技创新", "1", "2", "3", "--coder", "乙"],
            ["coding", "sentences", p, "701", "产业升级", "4", "5", "--coder", "甲"],
            ["coding", "sentences", p, "701", "产业升级", "5", "--coder", "乙"],
            ["coding", "add", p, "703", "0", "10", "产业升级", "--coder", "乙"]]  # fmt: skip
    return [
        ["new", p], ["add", p, *add, "--workers", "1"],
        ["docs", p], ["docs", p, "--format", "json"], ["docs", p, "--format", "csv"],
        ["docs", p, "--problems"], ["docs", p, "--duplicates"],
        ["show", p, "700"], ["show", p, "700", "--sentences"],
        ["terms", p, "--top", "20", "--type", "document", "--min-freq", "2"],
        ["map", p, "--out", "map1"],
        ["map", p, "--out", "map2", "--top-percent", "10", "--prune", "pathfinder", "--lang", "zh"],
        ["code", "add", p, "新质生产力", "--level", "3"],
        ["code", "add", p, "科技创新", "--parent", "新质生产力"],
        ["code", "add", p, "产业升级", "--parent", "新质生产力"],
        *code,
        ["relation", "add", p, "科技创新", "产业升级", "因果条件"],
        ["memo", "add", p, "关于新质生产力", "--on", "code", "--id", "新质生产力", "--coder", "甲"],
        ["storyline", p, "新质生产力由科技创新驱动"],
        ["code", "list", p], ["code", "list", p, "--tree"], ["coding", "list", p],
        ["coding", "list", p, "--code", "科技创新", "--context", "10"],
        ["coding", "cooccurrence", p, "--unit", "sentence"], ["coding", "matrix", p],
        ["relation", "list", p], ["memo", "list", p], ["search", p, "新质生产力"],
        ["tables", p, "--out", "tables"],
        ["saturation", p, "--holdout", "1/2", "--seed", "3"],
        ["saturation", p, "--holdout", "1/2", "--seed", "3", "--type", "document"],
        ["agreement", p, "--coders", "甲", "乙"],
        ["agreement", p, "--coders", "甲", "乙", "--unit", "sentence", "--by", "document"],
        ["undo", p], ["redo", p], ["export-qdc", p, "book.qdc"],
    ]  # fmt: skip


def run(src: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    with open(out / "log.txt", "wb") as log:
        for cmd in commands(CORPORA.resolve()):
            log.write(f"$ zhagen {' '.join(cmd)}\n".encode())
            log.flush()
            done = subprocess.run([sys.executable, "-m", "zhagen", *cmd], cwd=out, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
            log.write(f"rc={done.returncode}\n".encode())


def parts(path: Path, root: Path) -> dict[str, bytes]:
    def norm(data: bytes) -> bytes:
        data = data.replace(str(root).encode(), b"DIR")
        return GUID.sub(b'guid="G"', TS.sub(b"TS", data))

    if path.suffix in {".xlsx", ".docx"}:
        with zipfile.ZipFile(path) as z:
            return {n: norm(z.read(n)) for n in z.namelist() if n != "docProps/core.xml"}
    return {"": norm(path.read_bytes())}


def compare(a: Path, b: Path) -> int:
    files = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files |= {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    bad = 0
    for rel in sorted(f for f in files if not f.name.startswith("p.zhagen")):
        fa, fb = a / rel, b / rel
        if not (fa.exists() and fb.exists()) or parts(fa, a) != parts(fb, b):
            bad += 1
            print(f"differs: {rel}")
    print(f"{len(files)} files compared, {bad} differ")
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--out", type=Path, default=Path("bench/out/same"))
    args = ap.parse_args()
    out = args.out.resolve()
    run(args.before, out / "before")
    run(args.after, out / "after")
    return 1 if compare(out / "before", out / "after") else 0


if __name__ == "__main__":
    sys.exit(main())
