"""CSV for Excel: the same CSV with a UTF-8 byte order mark first, so Excel reads Arabic and Cyrillic as UTF-8."""

from __future__ import annotations

import codecs
import csv
import io
import subprocess
import sys
from pathlib import Path

from annotator.cli import main
from annotator.core.formats.csv_set import BOM, COLUMNS, export_csv
from annotator.core.store import Store

TEXT = "Посланник встретился с министром. قال المبعوث إن الخطة ممكنة."


def project(path: Path) -> Path:
    with Store.open(path) as store:
        doc, _ = store.add_document(TEXT, "Заголовок — عنوان", "Вести")
        for quote in ("Посланник", "المبعوث"):
            start = TEXT.index(quote)
            store.add_annotation(doc.id, "Actor", start, start + len(quote), "alice", "примечание")
    return path


def test_the_excel_csv_is_the_csv_after_a_byte_order_mark(store):
    doc, _ = store.add_document(TEXT, "Заголовок")
    start = TEXT.index("المبعوث")
    store.add_annotation(doc.id, "Actor", start, start + len("المبعوث"), "alice")
    plain, excel = io.StringIO(newline=""), io.StringIO(newline="")
    assert export_csv(store, plain) == export_csv(store, excel, excel=True) == 1
    assert excel.getvalue() == BOM + plain.getvalue()
    assert not plain.getvalue().startswith(BOM)


def test_export_csv_excel_writes_utf8_with_bom(tmp_path, capsys):
    path = project(tmp_path / "p.sqlite")
    out = tmp_path / "excel.csv"
    assert main(["export", str(path), "-f", "csv", "--excel", "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and not raw[3:].startswith(codecs.BOM_UTF8)
    header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    assert tuple(header) == COLUMNS
    assert [r[COLUMNS.index("quote")] for r in rows] == ["Посланник", "المبعوث"]
    assert {r[COLUMNS.index("document_title")] for r in rows} == {"Заголовок — عنوان"}
    # without --excel: no byte order mark, as before
    assert main(["export", str(path), "-f", "csv", "-o", str(tmp_path / "plain.csv")]) == 0
    assert (tmp_path / "plain.csv").read_bytes() == raw[len(codecs.BOM_UTF8):]
    capsys.readouterr()


def test_export_csv_excel_to_standard_output(tmp_path):
    path = project(tmp_path / "p.sqlite")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "annotator", "export", str(path), "-f", "csv", "--excel"],
                          capture_output=True, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(codecs.BOM_UTF8 + b"annotation_id,")
    assert "المبعوث".encode() in done.stdout


def test_excel_is_only_for_the_csv(tmp_path, capsys):
    path = project(tmp_path / "p.sqlite")
    assert main(["export", str(path), "-f", "json", "--excel", "-o", str(tmp_path / "set.json")]) == 2
    assert capsys.readouterr().err == ("annotator: --excel is for -f csv (the annotations as CSV), not -f json.\n")
    assert not (tmp_path / "set.json").exists()
