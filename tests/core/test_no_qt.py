"""The core and the command line never import Qt (ARCHITECTURE.md: "NO Qt import anywhere under core/")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys, tempfile, os
    import annotator.core

    imported = []
    for info in pkgutil.walk_packages(annotator.core.__path__, "annotator.core."):
        importlib.import_module(info.name)
        imported.append(info.name)
    import annotator.cli
    from annotator.cli import main

    # The headless commands import their modules lazily: run them too.
    with tempfile.TemporaryDirectory() as tmp:
        article = os.path.join(tmp, "a.txt")
        with open(article, "w", encoding="utf-8") as fh:
            fh.write("Title\\nSome text.\\n")
        project = os.path.join(tmp, "p.sqlite")
        out = os.path.join(tmp, "set.json")
        codes = [
            main(["add", project, article]),
            main(["documents", project]),
            main(["labels", project]),
            main(["export", project, "-f", "json", "-o", out]),
            main(["export", project, "-f", "csv", "-o", out]),
            main(["import", project, out.replace("set.json", "missing.json")]),
        ]
    qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
    print(json.dumps({"imported": imported, "codes": codes, "qt": qt, "file": annotator.core.__file__}))
    """
)


def test_core_and_cli_import_no_qt(tmp_path):
    env = dict(os.environ, ANNOTATOR_HOME=str(tmp_path / "userhome"))
    # import this checkout, not whatever copy is installed
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["qt"] == [], f"Qt was imported by the core or the CLI: {result['qt']}"
    assert result["codes"] == [0, 0, 0, 0, 0, 2]
    assert Path(result["file"]).resolve().is_relative_to(ROOT)
    imported = set(result["imported"])
    # the walk really covered the package
    assert {
        "annotator.core.store",
        "annotator.core.text",
        "annotator.core.model",
        "annotator.core.errors",
        "annotator.core.migrations",
        "annotator.core.formats.json_set",
        "annotator.core.formats.csv_set",
        "annotator.core.formats.documents",
    } <= imported
