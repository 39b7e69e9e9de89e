"""The HPC recipe of issue 17 (``examples/cluster/hpc.py``): it compiles, imports
without dask-jobqueue (which it imports only when a cluster is started), refuses an
unknown batch system, and its command line names what a user must give."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

RECIPE = Path(__file__).resolve().parents[1] / "examples" / "cluster" / "hpc.py"


def load_recipe():
    """The recipe as a module (imported from its path, as a user's copy would be)."""
    spec = importlib.util.spec_from_file_location("zhagen_hpc_recipe", RECIPE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recipe_compiles_and_imports_without_dask_jobqueue() -> None:
    code = compile(RECIPE.read_text(encoding="utf-8"), str(RECIPE), "exec")
    assert "start_cluster" in code.co_names and "main" in code.co_names
    before = set(sys.modules)
    recipe = load_recipe()
    assert not {m for m in set(sys.modules) - before if m.startswith(("dask", "distributed"))}
    with pytest.raises(ValueError, match="slurm"):
        recipe.start_cluster("sge", 4)


def test_recipe_command_line(capsys) -> None:
    recipe = load_recipe()
    with pytest.raises(SystemExit) as done:
        recipe.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--shards" in out and "--queue" in out and "pbs" in out
    with pytest.raises(SystemExit) as done:  # the shards folder is required
        recipe.main(["study.zhagen", "corpus/"])
    assert done.value.code == 2 and "--shards" in capsys.readouterr().err
