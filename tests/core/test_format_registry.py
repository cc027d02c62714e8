"""The formats registry (annotator/core/formats/registry.py): every format registered is reachable from the command
line and documented in the formats table, and carries what the table says it carries.

The window's side (its file dialogs) is checked in tests/gui/test_format_dialogs.py.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import build_parser, main
from annotator.core.formats import registry
from annotator.core.formats.import_report import ImportReport
from annotator.core.formats.registry import CARRIES, FORMATS, TABLE_BEGIN, TABLE_END, Format, Written
from annotator.core.model import AttributeDecl
from annotator.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
#: The format modules that ``annotator --help`` must not load (the registry loads them on first use).
FORMAT_MODULES = ("brat", "csv_set", "detect", "json_import", "json_set", "project_set", "qdpx", "w3c")


def choices(command: str) -> list[str]:
    """The ``-f`` choices of ``annotator COMMAND``, as argparse offers them."""
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return list(next(a for a in sub.choices[command]._actions if a.dest == "format").choices)


def table(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert TABLE_BEGIN in text and TABLE_END in text, f"{path.name} has no formats table"
    return text[text.index(TABLE_BEGIN):text.index(TABLE_END) + len(TABLE_END)] + "\n"


# ------------------------------------------------------------------ reachable everywhere
def test_every_format_is_a_choice_of_the_command_line():
    assert choices("import") == [f.name for f in FORMATS.values() if f.reader]
    assert choices("export") == [f.name for f in FORMATS.values() if f.writer]
    assert set(choices("import")) | set(choices("export")) == set(FORMATS)


@pytest.mark.parametrize("doc", ["README.md", "docs/formats.md"])
def test_the_formats_tables_are_the_registrys(doc):
    assert table(ROOT / doc) == registry.markdown_table(), (
        f"{doc}'s formats table is not the registry's: replace it with what `python -m "
        "annotator.core.formats.registry` prints")


def test_the_readme_commands_name_every_format():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("import", "export"):
        (row,) = re.findall(rf"^\| `annotator {command} PROJECT .*?\[?-f ((?:[\w-]+\\\|)*[\w-]+)\]?", readme, re.M)
        assert row.split("\\|") == choices(command), f"README's `annotator {command}` row lists other formats"


def test_help_loads_no_format_module():
    probe = ("import sys, annotator.cli as c; c.build_parser().format_help(); "
             "print(' '.join(m for m in sys.modules if m.startswith('annotator.core.formats.')))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    loaded = {name.rsplit(".", 1)[1] for name in done.stdout.split()}
    assert loaded.isdisjoint(FORMAT_MODULES), sorted(loaded & set(FORMAT_MODULES))


def test_a_format_registered_is_reachable_from_the_command_line(monkeypatch, rich, store, tmp_path, capsys):
    """A new entry in the registry is all it takes: the choices, the help, the dispatch and the table follow."""
    calls = []

    def write_tsv(store, out, selection, progress, options):
        rows = [f"{a.label}\t{a.quote}\n" for a in selection.annotations(store, selection.document_ids(store))]
        out.writelines(rows)
        calls.append(options)
        return Written(len(rows))

    def read_tsv(store, path, request):
        calls.append(request)
        return ImportReport(skipped=len(Path(path).read_text(encoding="utf-8").splitlines()))

    tsv = Format("tsv", "labels and quotes, TSV", (".tsv",), frozenset({"spans"}), read_tsv, write_tsv,
                 tools="spreadsheets")
    monkeypatch.setitem(FORMATS, "tsv", tsv)
    assert "tsv" in choices("import") and "tsv" in choices("export")
    assert "| labels and quotes, TSV | `tsv` | `.tsv` | yes | yes | yes |" in registry.markdown_table()
    path = store.path
    store.close()
    out = tmp_path / "out.tsv"
    assert main(["export", str(path), "-f", "tsv", "-o", str(out), "--no-text"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(rich["anns"])
    assert main(["import", str(path), str(out), "-f", "tsv", "--as", "zoe"]) == 0
    assert capsys.readouterr().out == f"0 annotations imported; {len(rich['anns'])} already present.\n"
    assert calls[0] == registry.ExportOptions(include_text=False)
    assert (calls[1].as_annotator, calls[1].name) == ("zoe", "out.tsv")
    main(["import", str(path), str(out), "-f", "tsv", "--annotator", "zoe"])
    assert "--annotator applies to REFI-QDA project, W3C Web Annotation or brat standoff imports" in (
        capsys.readouterr().err)


# ------------------------------------------------------------------ what each carries
def exported(project: Path, fmt: Format, folder: Path) -> Path:
    """``fmt``'s export of ``project`` through the command line."""
    target = folder / (f"out-{fmt.name}" if fmt.folder else f"out-{fmt.name}{fmt.suffixes[0]}")
    assert main(["export", str(project), "-f", fmt.name, "-o", str(target)]) == 0
    assert target.exists()
    return target


@pytest.mark.parametrize("fmt", [f for f in FORMATS.values() if f.reader], ids=lambda f: f.name)
def test_every_format_read_carries_what_the_table_says(fmt, rich, store, tmp_path, capsys):
    """Written (or, for a format only read, the project itself), imported through the command line into an empty
    project with the format detected: the documents come back, and the links, notes, review decisions and the new
    labels' colours when the table says the format carries them."""
    for label in store.labels():  # colours no palette would give them
        store.update_label(label.name, color=f"#1{len(label.name):02d}4{len(label.name) % 10}6")
    store.add_label("Kinds", "#123456", codable=False)  # a category holding a label that tags
    store.set_label_parent("Quotation", "Kinds")
    store.set_memo("project", "", "Round 1.")
    store.set_memo("document", rich["docs"][0].id, "Check the date.")
    store.set_memo("label", "Kinds", "Kinds of quotation.")
    declare_attributes(store, rich)
    source, colours = store.path, {label.name: label.color for label in store.labels()}
    store.close()
    path = exported(source, fmt, tmp_path) if fmt.writer else source
    fresh = tmp_path / "fresh.sqlite"
    with Store.open(fresh, create=True) as empty:
        known = {label.name for label in empty.labels()}  # labels already there keep their own colours
    assert main(["import", str(fresh), str(path)]) == 0, capsys.readouterr().err
    with Store.open(fresh, create=False) as other:
        anns = other.annotations()
        carried = {
            "spans": len(anns) == len(rich["anns"]),
            "links": bool(other.links()),
            "notes": any(a.note for a in anns),
            "review decisions": any(a.reviewer for a in anns),
            "documents' text": len(other.documents()) == len(rich["docs"]),
            "scheme": all(other.label(a.label).color == colours[a.label] for a in anns if a.label not in known),
            "label tree": any(lb.name == "Quotation" and lb.parent == "Kinds" for lb in other.labels())
            and any(lb.name == "Kinds" and not lb.codable for lb in other.labels()),
            "memos": other.memo("project") == "Round 1." and other.memo("label", "Kinds") == "Kinds of quotation."
            and other.memo("document", rich["docs"][0].id) == "Check the date.",
            "attributes": {d.name: d.type for d in other.label_attributes("Actor")} == {"certainty": "choice"}
            and {"certainty": "reported"} in other.attributes_for(a.id for a in anns).values(),
        }
    assert set(CARRIES) == set(carried)
    assert {what for what, held in carried.items() if held} == set(fmt.carries)


def declare_attributes(store: Store, rich: dict) -> None:
    """Actor declares ``certainty`` (reported or confirmed); Steve Witkoff's span is ``reported``."""
    store.set_label_attributes("Actor", [AttributeDecl("Actor", "certainty", "choice", ("reported", "confirmed"))])
    store.set_annotation_attributes(rich["anns"][1].id, {"certainty": "reported"})


#: A column of the CSV formats that holds each thing a format can carry.
COLUMN = {"spans": "start", "links": "link_id", "review decisions": "reviewer", "notes": "note",
          "attributes": "attribute:certainty"}


@pytest.mark.parametrize("fmt", [f for f in FORMATS.values() if not f.reader], ids=lambda f: f.name)
def test_every_format_only_written_carries_what_the_table_says(fmt, rich, store, tmp_path):
    assert fmt.suffixes == (".csv",), "a new export-only format needs its own check here"
    declare_attributes(store, rich)
    source = store.path
    store.close()
    header, *rows = csv.reader(io.StringIO(exported(source, fmt, tmp_path).read_text(encoding="utf-8")))
    assert rows
    for what, column in COLUMN.items():
        if what in fmt.carries:
            assert column in header, f"{fmt.name} carries {what}"
        elif what != "notes":  # the links' CSV has their note
            assert column not in header, f"{fmt.name} does not carry {what}"
    assert not {"documents' text", "scheme", "label tree", "memos"} & fmt.carries


def test_a_format_written_at_a_path_needs_o(capsys, tmp_path):
    for fmt in (f for f in FORMATS.values() if f.writer and not f.streamed):
        assert main(["export", str(tmp_path / "p.sqlite"), "-f", fmt.name]) == 2
        assert capsys.readouterr().err.endswith(": give it with -o.\n")
