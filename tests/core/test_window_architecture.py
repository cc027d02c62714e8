"""The window's house rules as checks that fail (read from the source, no Qt needed).

- Nothing under ``annotator.gui`` but ``app`` itself imports ``annotator.gui.app`` (an import-linter contract in
  pyproject.toml; here: the contract names every module, so a new one cannot slip past it).
- Controllers, panels and dialogs are built from parts, never from the main window: no constructor of theirs
  takes a ``window``, and none keeps one in ``self.window``.
- No private method is called from outside its class (``other._method()``), except by an alternative
  constructor (a classmethod) on the instance it is building.
- Changes are announced one way: only :mod:`annotator.gui.session` emits the session's ``*_changed`` signals.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUI = ROOT / "annotator" / "gui"
SESSION_SIGNALS = {"annotations_changed", "documents_changed", "labels_changed", "links_changed"}


def sources(folder: Path = ROOT / "annotator"):
    for path in sorted(folder.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_the_app_contract_names_every_module_of_the_window():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    contract = next(c for c in contracts if c.get("forbidden_modules") == ["annotator.gui.app"])
    listed = set(contract["source_modules"])
    modules = {f"annotator.gui.{p.stem}" for p in GUI.glob("*.py") if p.stem not in ("__init__", "app")}
    modules |= {f"annotator.gui.{p.name}" for p in GUI.iterdir() if (p / "__init__.py").exists()}
    assert modules - listed == set()


def test_no_controller_panel_or_dialog_holds_the_window():
    found = []
    for folder in ("controllers", "panels", "dialogs"):
        for path, tree in sources(GUI / folder):
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef) and node.name == "__init__":
                    if any(a.arg in ("window", "main_window") for a in node.args.args):
                        found.append(f"{where(path, node)} takes the window")
                if (isinstance(node, ast.Attribute) and node.attr in ("window", "main_window")
                        and isinstance(node.value, ast.Name) and node.value.id == "self"):
                    found.append(f"{where(path, node)} keeps the window")
    assert found == []


#: Documented functions of the standard library whose names start with an underscore.
PUBLIC_UNDERSCORED = frozenset({"os._exit"})


class _PrivateCalls(ast.NodeVisitor):
    def __init__(self, path: Path):
        self.path = path
        self.found: list[str] = []
        self.constructor = False  # inside a classmethod: building an instance of its own class

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:  # noqa: N802 (ast API)
        outer = self.constructor
        self.constructor = any(isinstance(d, ast.Name) and d.id == "classmethod" for d in node.decorator_list)
        self.generic_visit(node)
        self.constructor = outer

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802 (ast API)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr.startswith("_") and not func.attr.startswith("__"):
            owner = func.value
            own = (isinstance(owner, ast.Name) and owner.id in ("self", "cls")) or (
                isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super")
            if not own and not self.constructor and ast.unparse(func) not in PUBLIC_UNDERSCORED:
                self.found.append(f"{where(self.path, node)} {ast.unparse(func)}")
        self.generic_visit(node)


def test_no_private_method_is_called_from_outside_its_class():
    found = []
    for path, tree in sources():
        visitor = _PrivateCalls(path)
        visitor.visit(tree)
        found += visitor.found
    assert found == []


def test_only_the_session_announces_changes():
    found = []
    for path, tree in sources(GUI):
        if path.name == "session.py":
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr == "emit" and isinstance(node.value, ast.Attribute)
                    and node.value.attr in SESSION_SIGNALS):
                found.append(f"{where(path, node)} emits {node.value.attr}")
    assert found == []
