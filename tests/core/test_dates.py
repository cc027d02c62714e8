"""Issue 10, D5: dates are read in their common forms, stored as ISO 8601, and the rest refused."""

import pytest

from annotator.core.dates import parse_date
from annotator.core.errors import InputError


@pytest.mark.parametrize("written, stored", [
    ("2025-11-26", "2025-11-26"), ("2025/11/26", "2025-11-26"), ("2025.11.26", "2025-11-26"),
    ("2025-11-26T09:30:00Z", "2025-11-26"), ("26/11/2025", "2025-11-26"), ("26.11.2025", "2025-11-26"),
    ("26-11-2025", "2025-11-26"), ("3/4/2025", "2025-04-03"), ("11/26/2025", "2025-11-26"),
    ("26 November 2025", "2025-11-26"), ("26 Nov 2025", "2025-11-26"), ("26th Nov. 2025", "2025-11-26"),
    ("November 26, 2025", "2025-11-26"), ("Nov 26 2025", "2025-11-26"), ("  sept 1, 2025 ", "2025-09-01"),
])
def test_common_forms_become_iso(written, stored):
    assert parse_date(written) == stored


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_no_date(empty):
    assert parse_date(empty) is None


@pytest.mark.parametrize("bad, says", [
    ("tomorrow", "YYYY-MM-DD"), ("11/2025", "YYYY-MM-DD"), ("26 Novembre 2025", "YYYY-MM-DD"),
    ("31/02/2025", "not a real date"), ("2025-13-01", "not a real date"), ("26/11/25", "YYYY-MM-DD"),
])
def test_the_rest_is_refused_in_one_sentence(bad, says):
    with pytest.raises(InputError, match=says):
        parse_date(bad)


def test_the_cli_reads_and_refuses_dates(tmp_path, capsys):
    from annotator import cli
    from annotator.core.store import Store

    article = tmp_path / "a.txt"
    article.write_text("Kyiv said the plan had 19 points.", encoding="utf-8")
    project = tmp_path / "p.sqlite"
    assert cli.main(["add", str(project), str(article), "--published", "tomorrow"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert not project.exists()
    assert cli.main(["add", str(project), str(article), "--published", "26/11/2025"]) == 0
    with Store.open(project, create=False) as store:
        assert [d.published for d in store.documents()] == ["2025-11-26"]
