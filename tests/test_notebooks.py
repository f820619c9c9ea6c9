"""The notebooks run cleanly, and the committed copies carry their outputs.

Each notebook is executed with nbclient from a temporary copy, with the working
directory at the repository root (as ``notebooks/build_notebooks.py`` runs them).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
NAMES = ("evaluation.ipynb", "seed_walkthrough.ipynb")
MAX_BYTES = 1_000_000


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", NOTEBOOK_DIR / "build_notebooks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
    return found


@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes_without_errors(name: str, tmp_path: Path) -> None:
    copy = tmp_path / name
    shutil.copyfile(NOTEBOOK_DIR / name, copy)
    nb = nbformat.read(copy, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(REPO)}},
    )
    client.execute()
    nbformat.write(nb, copy)
    assert not _errors(nb)
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_outputs(name: str) -> None:
    path = NOTEBOOK_DIR / name
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells
    missing = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not c.outputs]
    assert not missing, f"code cells without outputs: {missing}; run notebooks/build_notebooks.py"
    assert not _errors(nb)
    images = [o for c in code_cells for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, "no PNG figures in the committed notebook"
    assert path.stat().st_size < MAX_BYTES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_matches_build_script(name: str) -> None:
    cells = _builder().NOTEBOOKS[name]
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    committed = [("md" if c.cell_type == "markdown" else "code", c.source) for c in nb.cells]
    assert committed == list(cells), "notebook is stale: run notebooks/build_notebooks.py"
