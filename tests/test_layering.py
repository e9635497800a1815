"""The layering rules: the import-linter contracts hold (and fail when broken), no migration
imports the package, and no module imports another module's private names."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "sanctions"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )


def test_the_layering_contracts_hold() -> None:
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("cases/guards.py", "import sanctions.cli.shell", "The CLI is the top layer"),
        ("deadlines/rules.py", "import sqlalchemy", "The pure core reads no database"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    shutil.copytree(PACKAGE, tmp_path / "sanctions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "sanctions" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported from, names imported, line) of every import in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((a.name, [], node.lineno) for a in node.names)
    return found


def test_no_migration_imports_code_of_the_package() -> None:
    """A migration must not change when the code changes: no `sanctions` import at all."""
    versions = sorted((PACKAGE / "db" / "migrations" / "versions").glob("*.py"))
    assert versions
    bad = [
        f"{path.name}:{line}: {module}"
        for path in versions
        for module, _, line in _imports(path)
        if module == "sanctions" or module.startswith("sanctions.")
    ]
    assert bad == []


def test_no_module_imports_another_module_s_private_names() -> None:
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for module, names, line in _imports(path):
            if not module.startswith("sanctions"):
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                bad.append(f"{path.relative_to(REPO)}:{line}: {module} {private}")
    assert bad == []
