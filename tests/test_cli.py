"""The command line: its argument checks, its output formats and its one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import format_table, main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rank", "--since", "2017-13-01"], "'2017-13-01' is not a date (YYYY-MM-DD)"),
        (["rank", "--scope", "everything"], "invalid choice: 'everything'"),
        (["ingest", "graph-api", "--as-of", "igår", "x"], "'igår' is not an ISO 8601 timestamp"),
        (["ingest", "graph-api", "--as-of", "2017-02-01T00:00", "x"], "has no UTC offset"),
        (["ingest", "graph-api", "--as-of", "0001-01-01T00:00+01:00", "x"], "(2004–2100)"),
        (["ingest", "graph-api", "--as-of", "9999-12-31T23:00-05:00", "x"], "(2004–2100)"),
        (["ingest", "graph-api", "--as-of", "2003-12-31T23:00Z", "x"], "(2004–2100)"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_naming_the_value(argv, message, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert message in last


def test_as_of_is_read_as_utc(study_export, data_dir, capsys):
    argv = ["ingest", "graph-api", "--data-dir", str(data_dir), "--as-of", "2017-02-01T01:00+01:00"]
    assert main([*argv, str(study_export)]) == 0
    assert main(["snapshots", "--data-dir", str(data_dir)]) == 0
    assert "as of 2017-02-01 00:00Z" in capsys.readouterr().out


def test_rank_csv_and_json_hold_the_same_rows(study_data, capsys):
    assert main(["rank", "--data-dir", str(study_data), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert main(["rank", "--data-dir", str(study_data), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["page_id"] for r in rows] == [r["page_id"] for r in records]
    assert len(rows) == 3
    # NaN is not JSON: a page without a median says null
    assert all(r["median_response_min"] is None or r["median_response_min"] >= 0 for r in records)


@pytest.mark.parametrize(
    ("argv", "first_columns"),
    [
        (["history", "--by", "month", "--min-items", "1"], ["period", "period_start"]),
        (["history", "--by", "quarter", "--level", "agency"], ["period", "period_start"]),
        (["quality", "--scope", "comments"], ["page_id", "page_name"]),
        (["storms", "--clock", "business"], ["entity_id", "page_id"]),
    ],
)
def test_the_insight_commands_write_csv_json_and_tables(study_data, capsys, argv, first_columns):
    assert main([*argv, "--data-dir", str(study_data), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:2] == first_columns
    assert main([*argv, "--data-dir", str(study_data), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(rows) - 1
    assert main([*argv, "--data-dir", str(study_data)]) == 0
    assert capsys.readouterr().out.strip()


def test_history_csv_holds_the_ranking_of_each_month(study_data, capsys):
    # the study export is January 2017: one month, comments A 5/6 and C 1/2 (min 1 item)
    argv = ["history", "--data-dir", str(study_data), "--scope", "comments", "--min-items", "1"]
    assert main([*argv, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["period"] for r in records} == {"2017-01"}
    ranks = {r["page_id"]: r["rank"] for r in records}
    assert ranks == {"100": 1, "300": 2, "200": None}
    assert all(r["movement"] is None for r in records)  # nothing ranked in December


def test_quality_counts_the_hidden_personnummer_of_the_study_export(study_data, capsys):
    assert main(["quality", "--data-dir", str(study_data), "--format", "json"]) == 0
    a = {r["page_id"]: r for r in json.loads(capsys.readouterr().out)}["100"]
    # C1 carries a personnummer (masked at ingest); the export says nothing of hidden states
    assert a["with_personnummer"] == 1 and a["personnummer_hidden_share"] is None


def test_rank_table_prints_a_dash_for_what_is_not_known(study_data, capsys):
    assert main(["rank", "--data-dir", str(study_data)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["rank", "page", "inbound"]
    assert "Synthetic demo" not in out


def test_format_table_writes_percentages_and_dashes():
    import pandas as pd

    df = pd.DataFrame(
        {
            "rank": pd.array([1, None], dtype="Int64"), "page_name": ["CSN", "Polisen"],
            "inbound": [10, 0],
            "pending": [0, 0], "reply_rate": [0.5, float("nan")],
            "median_response_min": [53.4, float("nan")], "p90_response_min": [90.0, None],
            "within_sla_share": [0.98, None],
        }
    )  # fmt: skip
    lines = format_table(df).splitlines()
    assert lines[1].split() == ["1", "CSN", "10", "0", "50%", "53", "90", "98%"]
    assert lines[2].split() == ["–", "Polisen", "0", "0", "–", "–", "–", "–"]


def test_an_empty_data_folder_lists_no_snapshots(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    assert main(["snapshots", "--data-dir", str(tmp_path / "data")]) == 0
    assert capsys.readouterr().out.strip() == "no snapshots"


def test_an_error_is_one_line_on_stderr_with_exit_2(tmp_path, capsys):
    assert main(["rank", "--data-dir", str(tmp_path / "missing")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert f"{tmp_path / 'missing'}: no such data folder" in lines[0]


def test_docs_check_passes_on_the_committed_methodology():
    assert main(["docs", "--check"]) == 0


def test_version():
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "--version"], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.startswith("svarstid ")


def test_the_cli_rank_imports_no_pandas_pyarrow_or_numpy(study_data):
    """The CSV ranking's start-up: pandas, pyarrow, numpy and holidays cost ~0.4 s to import."""
    code = (
        "import sys\n"
        "from analysis.cli import main\n"
        f"assert main(['rank', '--data-dir', {str(study_data)!r}, '--format', 'csv']) == 0\n"
        "heavy = [m for m in ('pandas', 'pyarrow', 'numpy', 'holidays') if m in sys.modules]\n"
        "print('heavy:', heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "heavy: []"
    assert out.startswith("rank,page_id,page_name")
