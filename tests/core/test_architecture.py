"""The house rules as checks that fail: import contracts (pyproject.toml [tool.importlinter]), file and function
sizes, and imports inside functions.

Imports inside functions: a module imports what it needs at its top. An import inside a function hides a
circle between modules (break the circle instead: move what both need to a module that imports neither) and
hides from the reader what a module depends on. Two exceptions only:

- a heavy or optional third-party package, loaded when first needed so that starting the window or a command
  does not pay for it: py3langid, docx (python-docx), pypdf, text_to_num, numpy, rapidfuzz,
  anyascii, ijson, keyring (see :data:`HEAVY`). Where a module uses one throughout, it names it once at its top with
  ``annotator.core.lazy.lazy_module("numpy")`` instead, which imports it on first attribute access; only
  the packages of :data:`HEAVY` may be named so (checked below);
- ``annotator/cli.py``, which loads a command's module when that command runs, so that ``annotator --help``
  and every other command stay fast.

One module of our own may be *loaded on first use* the same way, ``name = lazy_module("annotator....")``, only
when it is not needed to show the window (:data:`DEFERRED`), and only beside an ``if TYPE_CHECKING:`` import of
the same module in the same file: import-linter reads that import, so the contracts still see the dependency
(docs/architecture.md, "Loaded on first use"). Checked below.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: No source file grows past this many lines (split it along a seam instead).
MAX_LINES = 700
#: No function grows past this many lines, from its ``def`` line to its last line, docstring included.
MAX_FUNCTION_LINES = 60
#: TEMPORARY: functions over the limit that are being split (issue 12: the agreement measures and dialog, in
#: their own branch), ``(file, function)``. Remove an entry when its function is split; empty it, then delete it.
LONG_FUNCTIONS_TO_SPLIT: frozenset[tuple[str, str]] = frozenset()
#: Third-party packages that may be imported inside a function (heavy or optional; see the module docstring).
HEAVY = frozenset({"py3langid", "docx", "pypdf", "text_to_num", "numpy", "rapidfuzz", "anyascii",
                   "ijson", "keyring"})
#: Our modules that a module may name with ``lazy_module`` (loaded on first use; not needed to show the window).
#: The formats are named so by their registry (core/formats/registry.py), so that ``annotator --help`` loads none.
DEFERRED = frozenset({"annotator.gui.report_pdf", "annotator.core.formats.brat", "annotator.core.formats.detect",
                      "annotator.core.formats.qdpx", "annotator.core.formats.w3c", "annotator.core.formats.csv_set",
                      "annotator.core.formats.interop", "annotator.core.formats.json_import",
                      "annotator.core.formats.json_set", "annotator.core.formats.project_set", "annotator.core.report",
                      "annotator.core.report.charts", "annotator.core.report.html", "annotator.gui.team_worker",
                      "annotator.core.llm.client", "annotator.core.llm.spans", "annotator.core.llm.pairs",
                      "annotator.core.llm.evaluate"})
#: Where the CLI loads a command's module on demand.
CLI = "annotator/cli.py"


def lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.fail("lint-imports is missing: install the test extra (pip install '.[test]').")
    return found


def test_import_contracts_are_kept():
    """Core imports no Qt and nothing of the window or the CLI; only the store and migrations import sqlite."""
    done = subprocess.run([lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_source_file_is_over_700_lines():
    big = {str(p.relative_to(ROOT)): n for p in (ROOT / "annotator").rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert big == {}


def package_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).parent.parts)


def function_imports(path: Path, package: str) -> list[tuple[str, str, int]]:
    """``(function, module, line)`` for each import statement inside a function of ``path``, a module of ``package``.

    ``function`` is the innermost function's qualified name (``Class.method``, ``outer.inner``); ``module``
    is the module imported (``from a.b import c``: ``a.b``; a relative import is made absolute).
    """
    found: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, scope: list[str], in_function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = [*scope, child.name]
                function = ".".join(inner) if not isinstance(child, ast.ClassDef) else in_function
                visit(child, inner, function)
                continue
            if in_function is not None and isinstance(child, ast.Import):
                found.extend((in_function, alias.name, child.lineno) for alias in child.names)
            elif in_function is not None and isinstance(child, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - child.level + 1] if child.level else []
                module = ".".join([*base, *([child.module] if child.module else [])])
                found.append((in_function, module, child.lineno))
            visit(child, scope, in_function)

    visit(ast.parse(path.read_text(encoding="utf-8")), [], None)
    return found


def sources(folder: str = "annotator") -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_function_imports_are_found_with_their_function(tmp_path):
    """The walk the two checks below rely on: innermost function, class prefix, relative imports resolved."""
    module = tmp_path / "probe.py"
    module.write_text(
        "import os\n"
        "def top():\n    import json\n    def inner():\n        from annotator.core import errors\n"
        "class C:\n    def m(self):\n        from . import model\n        from ..gui import app\n",
        encoding="utf-8",
    )
    assert function_imports(module, "annotator.core") == [
        ("top", "json", 3), ("top.inner", "annotator.core", 5), ("C.m", "annotator.core", 8),
        ("C.m", "annotator.gui", 9),
    ]


def test_no_function_imports_an_annotator_module():
    """Only the CLI imports annotator modules inside functions (see the module docstring)."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {function} imports {module}"
        for path in sources() if str(path.relative_to(ROOT)) != CLI
        for function, module, line in function_imports(path, package_of(path))
        if module == "annotator" or module.startswith("annotator.")
    ]
    assert offenders == []


def test_core_imports_inside_functions_only_heavy_or_optional_packages():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {function} imports {module}"
        for path in sources("annotator/core")
        for function, module, line in function_imports(path, package_of(path))
        if module.split(".")[0] not in HEAVY
    ]
    assert offenders == []


def lazy_modules(path: Path) -> list[tuple[str, int]]:
    """``(module, line)`` for each module ``path`` names in a ``lazy_module(...)`` call."""
    return [
        (arg.value if isinstance(arg, ast.Constant) else ast.unparse(arg), node.lineno)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "lazy_module"
        for arg in node.args
    ]


def type_checking_imports(path: Path) -> set[str]:
    """Every module ``path`` imports under ``if TYPE_CHECKING:`` (``from a import b`` gives ``a`` and ``a.b``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for inner in (n for statement in node.body for n in ast.walk(statement)):
                if isinstance(inner, ast.Import):
                    found.update(alias.name for alias in inner.names)
                elif isinstance(inner, ast.ImportFrom) and inner.module:
                    found.add(inner.module)
                    found.update(f"{inner.module}.{alias.name}" for alias in inner.names)
    return found


def lazy_offenders(path: Path, relative: str) -> list[str]:
    """``lazy_module`` calls of ``path`` that break the rule (see the module docstring)."""
    offenders = []
    for module, line in lazy_modules(path):
        where = f"{relative}:{line} lazy_module({module})"
        if module.startswith("annotator."):
            if module not in DEFERRED:
                offenders.append(f"{where}: not in DEFERRED")
            elif module not in type_checking_imports(path):
                offenders.append(f"{where}: no `if TYPE_CHECKING:` import of it (import-linter would not see it)")
        elif module.split(".")[0] not in HEAVY:
            offenders.append(f"{where}: not a heavy package")
    return offenders


def test_only_heavy_packages_and_deferred_modules_are_loaded_lazily():
    """``lazy_module`` is the module-level form of the first exception above: heavy packages, and our modules
    of :data:`DEFERRED` with their ``TYPE_CHECKING`` import, named by a literal (so that this test and a reader
    can see what a module depends on)."""
    found = [(path, module) for path in sources() for module, _ in lazy_modules(path)]
    assert found, "lazy_module is used (numpy, ijson...)"
    assert {module for _, module in found} >= DEFERRED, "every module of DEFERRED is loaded on first use"
    assert [o for path in sources() for o in lazy_offenders(path, str(path.relative_to(ROOT)))] == []


def test_a_deferred_module_needs_its_type_checking_import(tmp_path):
    hidden = tmp_path / "hidden.py"
    hidden.write_text('from annotator.core.lazy import lazy_module\n'
                      'qdpx = lazy_module("annotator.core.formats.qdpx")\n'
                      'other = lazy_module("annotator.core.store")\n', encoding="utf-8")
    seen = tmp_path / "seen.py"
    seen.write_text('from typing import TYPE_CHECKING\n'
                    'from annotator.core.lazy import lazy_module\n'
                    'if TYPE_CHECKING:\n'
                    '    from annotator.core.formats import qdpx\n'
                    'else:\n'
                    '    qdpx = lazy_module("annotator.core.formats.qdpx")\n', encoding="utf-8")
    assert [o.split(": ", 1)[1] for o in lazy_offenders(hidden, "hidden.py")] == [
        "no `if TYPE_CHECKING:` import of it (import-linter would not see it)", "not in DEFERRED"]
    assert lazy_offenders(seen, "seen.py") == []


def function_lengths(path: Path) -> dict[str, int]:
    """Every function of ``path`` by qualified name (``Class.method``, ``outer.inner``), with its length in lines
    from the ``def`` line (decorators not counted) to its last line."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, scope: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = [*scope, child.name]
                if not isinstance(child, ast.ClassDef):
                    lengths[".".join(inner)] = child.end_lineno - child.lineno + 1
                visit(child, inner)
            else:
                visit(child, scope)

    visit(ast.parse(path.read_text(encoding="utf-8")), [])
    return lengths


def test_function_lengths_are_counted_from_def_to_last_line(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text('@decorator\ndef f():\n    """Doc."""\n    return 1\n\n\nclass C:\n    def m(self):\n'
                      "        def inner():\n            pass\n        return inner\n", encoding="utf-8")
    assert function_lengths(module) == {"f": 3, "C.m": 4, "C.m.inner": 2}


def test_no_function_is_over_60_lines():
    long, allowed_seen = [], set()
    for path in sources():
        where = str(path.relative_to(ROOT))
        for function, lines in function_lengths(path).items():
            if lines <= MAX_FUNCTION_LINES:
                continue
            if (where, function) in LONG_FUNCTIONS_TO_SPLIT:
                allowed_seen.add((where, function))
                continue
            long.append(f"{where} {function}: {lines} lines")
    assert long == []
    assert allowed_seen == LONG_FUNCTIONS_TO_SPLIT, "remove the split functions from the allowlist"
