"""The layers, checked by import-linter on grimp's import graph (which holds the imports made
inside functions): the contracts in ``pyproject.toml`` hold, and a deliberately bad import
inside a function, in a package made here, is caught."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, pythonpath: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "NO_COLOR": "1"}
    return subprocess.run([str(LINT), "--no-cache", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_zhagen_keeps_its_import_contracts() -> None:
    out = _lint(ROOT, ROOT / "src")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout


def test_an_upward_import_inside_a_function_is_caught(tmp_path: Path) -> None:
    pkg = tmp_path / "layered"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "high.py").write_text("from layered import low\n\nVALUE = low.VALUE + 1\n")
    (pkg / "low.py").write_text(
        "VALUE = 1\n\n\ndef sneaky():\n    from layered.high import VALUE\n\n    return VALUE\n"
    )
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = layered\n\n"
        "[importlinter:contract:layers]\nname = high over low\ntype = layers\n"
        "layers =\n    layered.high\n    layered.low\n"
    )
    out = _lint(tmp_path, tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "layered.low -> layered.high (l.5)" in out.stdout
    (pkg / "low.py").write_text("VALUE = 1\n")  # without it the same contract is kept
    assert _lint(tmp_path, tmp_path).returncode == 0


# -- faces use the nouns ----------------------------------------------------------------------------
NOUNS = {"documents", "codes", "codings", "memos", "relations", "terms", "maps", "reports",
         "queries"}  # fmt: skip


def _flat_calls(source: str) -> list[str]:
    """Calls ``x.<flat alias>(…)`` in ``source`` whose receiver is neither a noun
    (``p.codings.recode``) nor a module the file imports (``svc.recode``, a web service)."""
    import ast

    from zhagen.project import FLAT_ALIASES

    tree = ast.parse(source)
    modules = {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        if node.func.attr not in FLAT_ALIASES:
            continue
        if isinstance(receiver, ast.Attribute) and receiver.attr in NOUNS:
            continue
        if isinstance(receiver, ast.Name) and receiver.id in modules:
            continue
        found.append(f"l.{node.lineno}: {ast.unparse(node.func)}")
    return found


def test_the_scan_finds_a_flat_call_and_passes_a_noun_call() -> None:
    source = "from zhagen.web.services import coding as svc\n\ndef f(p):\n" \
             "    p.codes.add('a')\n    svc.recode(p)\n    return p.add_code('b')\n"  # fmt: skip
    assert _flat_calls(source) == ["l.6: p.add_code"]


def test_faces_call_the_nouns_not_the_flat_aliases() -> None:
    faces = [ROOT / "src" / "zhagen" / "cli", ROOT / "src" / "zhagen" / "web"]
    files = sorted(f for face in faces for f in face.rglob("*.py"))
    files += [ROOT / "src" / "zhagen" / "demo.py", ROOT / "src" / "zhagen" / "demo_coding.py"]
    assert len(files) > 30  # the scan reads the faces, not an empty folder
    flat = {str(f.relative_to(ROOT)): _flat_calls(f.read_text(encoding="utf-8")) for f in files}
    assert {name: calls for name, calls in flat.items() if calls} == {}


# -- no sqlite3.Row leaves store/ -------------------------------------------------------------------
def _sqlite3_rows_named(source: str) -> list[str]:
    """Places in ``source`` that name ``sqlite3.Row`` or ``sqlite3.Cursor`` (an annotation, an
    isinstance check, a row factory), or import them from ``sqlite3``."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("Row", "Cursor")
            and isinstance(node.value, ast.Name)
            and node.value.id == "sqlite3"
        ):
            found.append(f"l.{node.lineno}: sqlite3.{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module == "sqlite3":
            found += [f"l.{node.lineno}: from sqlite3 import {a.name}" for a in node.names]
    return found


def test_the_row_scan_finds_an_annotation_and_an_import() -> None:
    source = "from __future__ import annotations\nimport sqlite3\nfrom sqlite3 import Row\n\n" \
             "def f(x) -> sqlite3.Row:\n    try:\n        return x\n" \
             "    except sqlite3.IntegrityError:\n        raise\n"  # fmt: skip
    assert _sqlite3_rows_named(source) == ["l.3: from sqlite3 import Row", "l.5: sqlite3.Row"]


def test_no_sqlite3_row_outside_store() -> None:
    src = ROOT / "src" / "zhagen"
    files = sorted(f for f in src.rglob("*.py") if f.relative_to(src).parts[0] != "store")
    assert len(files) > 100  # the scan reads the package, not an empty folder
    named = {
        str(f.relative_to(ROOT)): _sqlite3_rows_named(f.read_text(encoding="utf-8")) for f in files
    }
    assert {name: found for name, found in named.items() if found} == {}


def _store_functions_used_outside_store() -> dict[str, Any]:
    """``module.name`` → function, for every function of ``zhagen.store.*`` that code outside
    ``store/`` reaches (``from zhagen.store import docs as q`` then ``q.name``, or
    ``from zhagen.store.docs import name``)."""
    import ast
    import importlib
    import inspect

    src = ROOT / "src" / "zhagen"
    used: dict[str, Any] = {}
    for path in src.rglob("*.py"):
        if path.relative_to(src).parts[0] == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules: dict[str, str] = {}  # local name → store module
        names: list[tuple[str, str]] = []  # (store module, name)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("zhagen.store"):
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    if node.module == "zhagen.store" and a.name not in ("Store", "APPLICATION_ID"):
                        modules[a.asname or a.name] = full
                    else:
                        names.append((str(node.module), a.name))
            elif isinstance(node, ast.Import):
                modules.update({a.asname or a.name: a.name for a in node.names
                                if a.name.startswith("zhagen.store.")})  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id in modules:
                    names.append((modules[node.value.id], node.attr))
        for module, name in names:
            obj = getattr(importlib.import_module(module), name, None)
            if inspect.isfunction(obj):
                used[f"{module.removeprefix('zhagen.store.')}.{name}"] = obj
    return used


#: Store functions that write (their results are ids and counts, or nothing).
_WRITER = ("insert_", "set_", "update_", "delete_", "mark_", "record_", "stage_", "staging",
           "keep", "decide_", "apply_", "history_add", "history_clear", "history_mark",
           "finish_", "freeze_", "defer_")  # fmt: skip


#: Return annotations of readers that give one scalar (an id, a count, a name, a flag).
_SCALAR = {"int", "str", "bool", "int | None", "str | None"}


def _plain(value: Any, path: str = "result") -> list[str]:
    """Where ``value`` holds a sqlite3 object (a Row, a Cursor), walking containers."""
    import sqlite3

    if isinstance(value, sqlite3.Row | sqlite3.Cursor):
        return [f"{path}: {type(value).__name__}"]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _plain(v, f"{path}[{k!r}]")]
    if isinstance(value, list | tuple | set | frozenset):
        return [p for i, v in enumerate(value) for p in _plain(v, f"{path}[{i}]")]
    if hasattr(value, "__dataclass_fields__"):
        return [
            p for k in value.__dataclass_fields__ for p in _plain(getattr(value, k), f"{path}.{k}")
        ]
    return []


def test_store_readers_used_outside_store_return_plain_data(tmp_path: Path) -> None:
    from zhagen.coding.levels import STORYLINE_TITLE
    from zhagen.examples import tiny_project
    from zhagen.scope import parse
    from zhagen.store import docs as dq

    with tiny_project(tmp_path / "a") as p:
        p.export_qdpx(tmp_path / "tiny.qdpx")
    with tiny_project(tmp_path / "b") as p:
        p.import_qdpx(tmp_path / "tiny.qdpx")  # a REFI-QDA source, its GUIDs and kept parts
        code = int(p.codes()["id"].iloc[-1])
        coding = int(p.codings()["id"].iloc[0])
        relation = int(p.relations()["id"].iloc[0])
        doc = int(p.documents()["id"].iloc[0])
        memo = p.memos.add("code", code, "为什么 / why", title="备忘")
        p.relations.set_storyline("政策支持推动产学研融合")
        p.documents.sentences(doc)  # stored on first use
        p.sets.create("挑选", doc_ids=[doc])
        p.attributes.define("来源")
        p.attributes.set(doc, "来源", "人民日报")
        set_id, attr_id = 1, 1
        from zhagen.suggest.model import Suggestion

        span = p.documents.sentence_spans(doc)[0]
        [sid] = p.suggestions.add_many(
            [
                Suggestion(
                    document=doc,
                    start=span[0],
                    end=span[1],
                    sentence=0,
                    code=code,
                    score=0.5,
                    rank=1,
                    source="learner",
                    source_version="t",
                )
            ]
        )
        accepted = p.suggestions.accept(sid)
        p.relations.set_role(code, "现象")  # a model box row (migration 0012)
        p.codings.delete(coding)
        p.undo()  # an undone edit: history_next(redo=True) has one
        coding = int(p.codings()["id"].iloc[0])
        store = p.store
        sources = dq.source_rows(store)
        qda_sha = next(s["sha256"] for s in sources if s["format"] == "refi-qda")
        from zhagen.store.runs import record_run

        record_run(store, "test", {"a": 1}, {"b": 2})
        calls: dict[str, Any] = {
            "biblio.biblio_rows": lambda f: list(f(store)),
            "biblio.biblio_venues": lambda f: f(store),
            "entities.kind_state": lambda f: f(store, "keyword"),
            "entities.stale_documents": lambda f: f(store, 1),
            "entities.keyword_json_chunks": lambda f: list(f(store, 0, 2)),
            "entities.field_of": lambda f: f(store, "author", [doc]),
            "entities.field_after": lambda f: f(store, "keyword", 0),
            "entities.entity_ids": lambda f: f(store, 1),
            "entities.link_chunk": lambda f: f(store, 1, 0, 10**9, [0, 1], [doc]),
            "entities.labels_of": lambda f: [f(store, 1), f(store, 1, [1, 2])],
            "entities.entities_after": lambda f: f(store, 1, 0, 10),
            "entities.part_rows": lambda f: [f(store, 1, 0), f(store, 1, 0, [1, 2])],
            "entities.part_labels": lambda f: f(store, 1, 0),
            "entities.ids_of_labels": lambda f: f(store, 1, ["数字经济", "none"]),
            "map_keywords.map_document_rows": lambda f: f(store, keep_duplicates=True),
            "map_keywords.mapped_kinds": lambda f: f(store, keep_duplicates=False),
            "scope.compile_where": lambda f: f(store, parse("set:挑选"), "set:挑选"),
            "scope.ids_of": lambda f: f(store, "attr:来源=人民日报"),
            "scope.resolve": lambda f: f(store, "set:挑选 or coded:yes"),
            "sets.attribute_row": lambda f: f(store, "来源"),
            "sets.attribute_rows": lambda f: f(store),
            "sets.document_fields": lambda f: f(store),
            "sets.document_values": lambda f: f(store),
            "sets.documents_titled": lambda f: f(store, "专精特新"),
            "sets.existing_documents": lambda f: f(store, [doc, 99]),
            "sets.member_ids": lambda f: f(store, set_id),
            "sets.member_row_ids": lambda f: f(store, set_id),
            "sets.value_ids": lambda f: f(store, attr_id),
            "sets.value_rows": lambda f: f(store, attr_id, [doc]),
            "changes.log_after": lambda f: f(store, 0, 1000),
            "model_layout.box_rows": lambda f: f(store),
            "model_layout.box_ids_of_codes": lambda f: f(store, [code]),
            "coding.ancestor_ids": lambda f: f(store, code),
            "coding.child_ids": lambda f: f(store, [code]),
            "coding.code_counts": lambda f: f(store),
            "coding.complete_rows": lambda f: f("memos", [{"id": memo}]),
            "coding.code_document_counts": lambda f: f(store),
            "coding.code_ids_named": lambda f: f(store, "政策支持"),
            "coding.code_row": lambda f: f(store, code),
            "coding.code_rows": lambda f: f(store),
            "coding.code_tuples": lambda f: f(store),
            "coding.code_names": lambda f: f(store, [code]),
            "coding.coder_names": lambda f: f(store),
            "coding.coding_tuples": lambda f: [
                f(store),
                f(store, code_ids=[code], descendants=True),
            ],
            "coding.coding_columns": lambda f: [
                f(store),
                f(store, code_ids=[code], descendants=True),
            ],
            "coding.document_text": lambda f: [f(store, doc), f(store, 99)],
            "coding.document_texts": lambda f: f(store, [doc, 99]),
            "coding.coded_texts": lambda f: [f(store, [doc, 99]), f(store, [doc])],
            "coding.coder_rows": lambda f: f(store),
            "coding.coders_of_codings": lambda f: f(store, [coding]),
            "coding.coders_touching_codes": lambda f: f(store, [code]),
            "coding.coding_ids_of_codes": lambda f: f(store, [code]),
            "coding.coding_row": lambda f: f(store, coding),
            "coding.coding_rows": lambda f: f(store),
            "coding.coding_spans": lambda f: f(store),
            "coding.descendant_ids": lambda f: f(store, code),
            "coding.document_ids_titled": lambda f: f(store, [p.documents.get(doc)["title"]]),
            "coding.history_next": lambda f: [f(store, redo=False), f(store, redo=True)],
            "coding.history_rows": lambda f: f(store),
            "coding.snapshot_rows": lambda f: f(store, "codings", [coding]),
            "docs.document_facets": lambda f: f(store),
            "docs.document_ids": lambda f: f(store),
            "docs.document_row": lambda f: f(store, doc),
            "docs.find_documents": lambda f: f(store, q="创新"),
            "docs.find_source": lambda f: f(store, qda_sha),
            "docs.problem_rows": lambda f: f(store),
            "docs.merged_units": lambda f: f(store, 1),
            "docs.source_problems": lambda f: f(store, 1),
            # reads the batch an import is staging (only there), as tuples it builds itself
            "docs.same_title_kept": None,
            "docs.sentence_rows": lambda f: f(store, doc),
            "docs.source_rows": lambda f: f(store),
            "lexicon.term_decisions": lambda f: f(store),
            "llm_cache.cached_replies": lambda f: f(store, ["no such hash"]),
            "map_keywords.map_keyword_chunks": lambda f: list(f(store, keep_duplicates=True)),
            "map_keywords.map_rows": lambda f: list(f(store, keep_duplicates=True, texts=True)),
            "map_keywords.map_entity_rows": lambda f: list(
                f(store, keep_duplicates=True, refs=True)
            ),
            "notes.memo_ids_for": lambda f: f(store, "code", [code]),
            "notes.memo_owner": lambda f: f(store, memo),
            "notes.memo_row": lambda f: f(store, memo),
            "notes.memo_rows": lambda f: f(store),
            "notes.relation_ids_of_codes": lambda f: f(store, [code]),
            "notes.relation_row": lambda f: f(store, relation),
            "notes.relation_rows": lambda f: f(store),
            "notes.storyline_id": lambda f: f(store, STORYLINE_TITLE),
            "qda.find_qda_import": lambda f: f(store, qda_sha),
            "qda.guids": lambda f: f(store, "code"),
            "qda.kept": lambda f: f(store),
            "qda.qda_document_ids": lambda f: f(store),
            "queries.code_names": lambda f: f(store),
            "queries.coding_cells": lambda f: f(store, None),
            "queries.document_texts": lambda f: list(f(store, None)),
            "queries.document_titles": lambda f: f(store, None),
            "queries.group_values": lambda f: f(store, "source"),
            "queries.sentence_spans": lambda f: f(store, None),
            "runs.run_rows": lambda f: f(store),
            "title_phrases.cached_phrases": lambda f: f(store, "fingerprint", ["标题"]),
            "suggestions.open_keys": lambda f: f(store),
            "suggestions.rejected_keys": lambda f: f(store),
            "suggestions.suggestion_rows": lambda f: f(store, status=None),
            "suggestions.suggestion_row": lambda f: f(store, sid),
            "suggestions.suggestion_of_coding": lambda f: f(store, accepted),
            "suggestions.top_suggestion_spans": lambda f: f(store),
            "runs.project_fingerprint": lambda f: f(store),
            "state.coding_counts": lambda f: f(store),
            "state.source_files": lambda f: f(store),
            "state.copy_project": lambda f: f(store.path, tmp_path / "copy.zhagen"),
            "db.Store.log_entries": lambda f: f(store),
        }
        used = _store_functions_used_outside_store()
        readers = {n for n, fn in used.items() if not n.split(".")[-1].startswith(_WRITER)
                   and fn.__annotations__.get("return") not in _SCALAR}  # fmt: skip
        readers |= {"db.Store.log_entries"}
        # every reader the code outside store/ calls is exercised here (a new one joins the table)
        assert readers - set(calls) == set()
        from zhagen.store.db import Store

        results = {}
        for name, call in calls.items():
            fn = Store.log_entries if name == "db.Store.log_entries" else used.get(name)
            if fn is None or call is None:  # no longer used outside store/, or see above
                continue
            results[name] = call(fn)
        leaks = {name: where for name, r in results.items() if (where := _plain(r))}
        assert leaks == {}
        # the calls read real rows: the checks above walked data, not empty lists
        for name in ("coding.code_rows", "coding.coding_rows", "notes.memo_rows",
                     "notes.relation_rows", "docs.sentence_rows", "changes.log_after",
                     "coding.history_rows", "runs.run_rows", "map_keywords.map_rows",
                     "map_keywords.map_entity_rows"):  # fmt: skip
            assert results[name], name
        for name in ("coding.code_row", "coding.coding_row", "notes.memo_row",
                     "notes.relation_row", "docs.document_row", "docs.find_source",
                     "qda.find_qda_import"):  # fmt: skip
            assert isinstance(results[name], dict), name
        assert all(isinstance(e, dict) for e in results["coding.history_next"])
        assert results["coding.code_row"]["id"] == code
        assert all(type(r) is tuple for r in results["map_keywords.map_rows"])
        assert all(type(r) is tuple for r in results["map_keywords.map_entity_rows"])
