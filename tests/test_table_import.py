"""CSV and Excel import (analysis/sources/table/): each format, each spreadsheet reality, each
bad input, and the newcomer's path from the examples to a ranking."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from analysis.cli import main
from tests.test_ingest import tree_digest

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2017-02-01T00:00:00Z"
LONG_HEADER = "page_id,page_name,item_id,parent_id,created_time,author_id,message\n"


def ingest(data_dir: Path, *paths: Path, extra: tuple[str, ...] = ()) -> int:
    args = ["ingest", "table", "--data-dir", str(data_dir), "--as-of", AS_OF]
    return main([*args, *extra, *map(str, paths)])


def ranking(data_dir: Path, *extra: str) -> list[dict]:
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["rank", "--data-dir", str(data_dir), "--format", "csv", *extra]) == 0
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def facts(data_dir: Path) -> list[dict]:
    snap = sorted((data_dir / "snapshots").iterdir())[-1]
    table = pq.read_table(snap / "item_facts.parquet").sort_by("created_at")
    return table.to_pylist()


def xlsx(path: Path, sheets: dict[str, list[list]], merge: dict[str, list[str]] | None = None):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merge or {}).get(name, []):
            ws.merge_cells(rng)
    book.save(path)
    return path


# -- each format, the same items ----------------------------------------------------------------

ITEMS = [  # (arrival, local Stockholm time; minutes to the answer or None)
    ("2017-01-02 09:00", 10), ("2017-01-02 10:30", 45), ("2017-01-03 08:15", 130),
    ("2017-01-03 15:50", None), ("2017-01-04 11:00", 53), ("2017-01-05 09:20", 1200),
]  # fmt: skip


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text)


def long_csv_of_items(path: Path) -> Path:
    lines = [LONG_HEADER.replace("author_id", "is_page")]
    for i, (at, minutes) in enumerate(ITEMS):
        lines.append(f"p1,Sidan,i{i},,{at},false,Hur gör jag?\n")
        if minutes is not None:
            answer = _local(at) + timedelta(minutes=minutes)
            lines.append(f"p1,Sidan,r{i},i{i},{answer:%Y-%m-%d %H:%M},true,Så här.\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def answer_log_of_items(path: Path) -> Path:
    rows = [["Ankomsttid", "Besvarad", "Sida"]]
    for at, minutes in ITEMS:
        answer = _local(at) + timedelta(minutes=minutes) if minutes is not None else None
        rows.append([_local(at), answer, "p1"])
    return xlsx(path, {"Logg": rows})


def test_an_answer_log_and_the_long_format_of_the_same_items_rank_the_same(tmp_path):
    log_data, long_data = tmp_path / "log", tmp_path / "long"
    assert ingest(log_data, answer_log_of_items(tmp_path / "logg.xlsx")) == 0
    assert ingest(long_data, long_csv_of_items(tmp_path / "long.csv")) == 0
    keep = ("inbound", "answered", "pending", "reply_rate", "median_response_min",
            "p90_response_min", "within_sla_share", "km_median_response_min")  # fmt: skip
    for clock in ("wall", "business"):
        a = ranking(log_data, "--clock", clock, "--min-items", "1")
        b = ranking(long_data, "--clock", clock, "--min-items", "1")
        assert [{k: r[k] for k in keep} for r in a] == [{k: r[k] for k in keep} for r in b]
        assert a[0]["inbound"] == "6" and a[0]["answered"] == "5"
    # the answer log's items have no text and still count as questions
    questions = ranking(log_data, "--scope", "questions", "--min-items", "1")
    assert questions[0]["inbound"] == "6"


def test_answer_log_items_are_questions_without_text(tmp_path):
    data = tmp_path / "data"
    assert ingest(data, answer_log_of_items(tmp_path / "logg.xlsx")) == 0
    snap = sorted((data / "snapshots").iterdir())[-1]
    posts = pq.read_table(snap / "posts.parquet").to_pylist()
    assert all(p["is_question"] and p["message"] is None for p in posts)
    manifest = json.loads((snap / "manifest.json").read_text())
    assert manifest["source"] == "table" and manifest["counts"]["answer_log_items"] == 6


@pytest.mark.parametrize(
    ("header", "cell"),
    [
        (["Ankomsttid", "Svarstid (min)"], "45"),
        (["Arrival", "Minutes"], "45,0"),
        (["Inkom", "Tid till svar"], "0:45"),
        (["Arrival", "Answered"], "2017-01-02 10:45"),
        (["Arrival", "Answered"], "10:45"),
        (["Ankomsttid", "Besvarad"], "kl 10.45"),
        (["Received", "Replied"], "45"),
    ],
)
def test_answers_as_times_durations_and_minutes(tmp_path, header, cell):
    path = tmp_path / "log.csv"
    path.write_text(f"{header[0]};{header[1]}\n2017-01-02 10:00;{cell}\n", encoding="utf-8")
    assert ingest(tmp_path / "data", path) == 0
    (fact,) = facts(tmp_path / "data")
    assert fact["wall_minutes"] == pytest.approx(45)


def test_an_answer_at_an_earlier_time_of_day_is_the_next_day(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Datum;Ankomsttid;Besvarad\n2017-01-02;15:30;08:30\n", encoding="utf-8")
    assert ingest(tmp_path / "data", path) == 0
    assert facts(tmp_path / "data")[0]["wall_minutes"] == pytest.approx(17 * 60)


def test_columns_option_names_unknown_headers(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("När;Klart;Var\n2017-01-02 10:00;2017-01-02 10:30;Kassan\n", encoding="utf-8")
    assert ingest(tmp_path / "data", path) == 2
    assert "--columns" in capsys.readouterr().err
    extra = ("--columns", "arrival=När,answered=Klart,page=Var")
    assert ingest(tmp_path / "data", path, extra=extra) == 0
    assert "read as an answer log" in capsys.readouterr().out
    assert ranking(tmp_path / "data", "--min-items", "1")[0]["page_id"] == "kassan"


def test_facepager_export_reads_as_the_long_format(tmp_path):
    data = tmp_path / "data"
    assert ingest(data, ROOT / "examples" / "facepager.csv") == 0
    (row,) = ranking(data)
    assert row["page_id"] == "9004" and row["inbound"] == "12"


def test_facepager_without_from_is_refused_naming_the_column_to_add(tmp_path, capsys):
    path = tmp_path / "fp.csv"
    path.write_text(
        "\ufefflevel;id;parent_id;object_id;object_type;created_time;message\n"
        "0;1;;9;seed;;\n1;2;1;9_1;data;2017-01-02T10:00:00+0000;Hej\n",
        encoding="utf-8",
    )
    assert ingest(tmp_path / "data", path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "add from.id to Facepager's column setup" in err
    assert not (tmp_path / "data" / "snapshots").exists()


def test_format_auto_says_which_it_chose(tmp_path, capsys):
    assert ingest(tmp_path / "d", ROOT / "examples" / "long.csv") == 0
    assert "examples/long.csv: read as the long format (header on row 1)" in capsys.readouterr().out


# -- spreadsheet realities ----------------------------------------------------------------------

LONG_ROWS = [
    ["page_id", "item_id", "parent_id", "created_time", "author_id", "message"],
    ["p1", "a", "", "2017-01-02 10:00", "u1", "Vad kostar det, ungefär?"],
    ["p1", "a_r", "a", "2017-01-02 10:30", "p1", "Hej Åsa, det är gratis."],
]


def _long_text(sep: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(LONG_ROWS)
    return buf.getvalue()


@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_separators_and_encodings(tmp_path, sep, encoding, capsys):
    path = tmp_path / "long.csv"
    path.write_bytes(_long_text(sep).encode(encoding))
    assert ingest(tmp_path / "data", path) == 0
    out = capsys.readouterr().out
    assert ("Windows-1252" in out) == (encoding == "cp1252")
    (fact,) = facts(tmp_path / "data")
    assert fact["wall_minutes"] == 30
    snap = sorted((tmp_path / "data" / "snapshots").iterdir())[-1]
    replies = pq.read_table(snap / "replies.parquet").to_pylist()
    assert replies[0]["message"] == "Hej Åsa, det är gratis."


def test_local_times_are_read_in_the_pages_time_zone_and_it_says_so(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "registry.csv").write_text("page_id,timezone\np2,Europe/Helsinki\n", "utf-8")
    path = tmp_path / "long.csv"
    path.write_text(
        LONG_HEADER
        + "p1,,a,,2017-01-02 10:00,u1,Hej?\n"
        + "p2,,b,,2017-01-02 10:00,u1,Hej?\n"
        + "p2,,c,,2017-01-02T10:00:00+02:00,u1,Hej?\n"
        + ",,c_r,c,2017-01-02 11:00,p2,Svar\n",  # a comment whose page is its post's
        encoding="utf-8",
    )
    assert ingest(data, path) == 0
    out = capsys.readouterr().out
    assert "1 time(s) without a UTC offset as local time in Europe/Stockholm" in out
    assert "2 time(s) without a UTC offset as local time in Europe/Helsinki" in out
    assert {f["item_id"]: f["wall_minutes"] for f in facts(data)}["c"] == 60
    by_id = {f["item_id"]: f["created_at"] for f in facts(data)}
    assert by_id["a"] == datetime(2017, 1, 2, 9, tzinfo=UTC)
    assert by_id["b"] == datetime(2017, 1, 2, 8, tzinfo=UTC)
    assert by_id["c"] == datetime(2017, 1, 2, 8, tzinfo=UTC)  # an offset is taken as it is


@pytest.mark.parametrize(
    "arrival",
    ["42737.375", "42737,375", "02/01/2017 09:00", "2.1.2017 09:00", "2017-01-02 kl. 09.00",
     "2017-01-02T09:00", "2017-01-02T08:00:00Z"],
)  # fmt: skip
def test_excel_serials_and_text_dates(tmp_path, arrival):
    path = tmp_path / "log.csv"
    path.write_text(f"Ankomsttid;Svarstid (min)\n{arrival};30\n", encoding="utf-8")
    assert ingest(tmp_path / "data", path) == 0
    (fact,) = facts(tmp_path / "data")
    assert fact["created_at"] == datetime(2017, 1, 2, 8, tzinfo=UTC)


def test_excel_datetimes_serials_and_sheets(tmp_path, capsys):
    path = xlsx(
        tmp_path / "log.xlsx",
        {
            "Januari": [["Ankomsttid", "Svarstid"], [datetime(2017, 1, 2, 9), 42737.4]],
            "Februari": [["Ankomsttid", "Svarstid"], [42762.375, "45,5"]],
        },
    )
    assert ingest(tmp_path / "both", path) == 0
    assert len(facts(tmp_path / "both")) == 2
    assert ingest(tmp_path / "feb", path, extra=("--sheet", "Februari")) == 0
    (fact,) = facts(tmp_path / "feb")
    assert fact["created_at"] == datetime(2017, 1, 27, 8, tzinfo=UTC)
    assert fact["wall_minutes"] == pytest.approx(45.5)
    capsys.readouterr()
    assert ingest(tmp_path / "x", path, extra=("--sheet", "Mars")) == 2
    assert "no sheet 'Mars'; it has 'Januari', 'Februari'" in capsys.readouterr().err


def test_merged_header_rows_and_blank_trailing_rows(tmp_path):
    rows = [
        ["Svarslogg januari", None, None, None],
        ["Sida", "Tider", None, "Kategori"],
        [None, "Ankomsttid", "Besvarad", None],
        ["Kassan", datetime(2017, 1, 2, 9), datetime(2017, 1, 2, 9, 20), "Pension"],
        [None, datetime(2017, 1, 2, 10), datetime(2017, 1, 2, 10, 5), "Pension"],
        [None, None, None, None],
        [None, None, None, None],
    ]
    # the title over every column, "Tider" over both times, the page and the category down
    # over both header rows, the page down over its two questions
    merge = {"Logg": ["A1:D1", "B2:C2", "A2:A3", "D2:D3", "A4:A5"]}
    path = xlsx(tmp_path / "log.xlsx", {"Logg": rows}, merge)
    assert ingest(tmp_path / "data", path) == 0
    (row,) = ranking(tmp_path / "data", "--min-items", "1")
    assert row["page_id"] == "kassan" and row["inbound"] == "2"
    assert float(row["median_response_min"]) == pytest.approx(12.5)


def test_blank_trailing_rows_and_columns_of_a_csv(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Ankomsttid;Svarstid;;\n2017-01-02 09:00;09:30;;\n;;;\n\n;;\n", "utf-8")
    assert ingest(tmp_path / "data", path) == 0
    assert len(facts(tmp_path / "data")) == 1


# -- bad input ----------------------------------------------------------------------------------

BAD = [
    ("log.csv", "Ankomsttid;Svarstid\n2017-01-02 09:00;10\n32/13/2017 09:00;10\n",
     "log.csv, row 3: column 'Ankomsttid': '32/13/2017 09:00' is not a date"),
    ("log.csv", "Ankomsttid;Svarstid\n1999-01-02 09:00;10\n",
     "row 2: column 'Ankomsttid': '1999-01-02 09:00:00' is outside 2004–2100"),
    ("log.csv", "Ankomsttid;Svarstid\n2017-01-02 09:00;snart\n",
     "row 2: column 'Svarstid': 'snart' is not a date and time"),
    ("log.csv", "Ankomsttid;Svarstid\n09:00;10\n", "is a time of day and there is no date column"),
    ("log.csv", "Ankomsttid;Tid till svar\n2017-01-02 09:00;-5\n", "is a negative duration"),
    ("log.csv", "Ankomsttid;Svarstid\n;10\n", "row 2: column 'Ankomsttid': is empty"),
    ("log.csv", "Datum;Ankomsttid;Svarstid\n2017-13-40;09:00;10\n", "column 'Datum'"),
    ("log.csv", "Ankomsttid\n2017-01-02 09:00\n", "needs an answer column"),
    ("long.csv", LONG_HEADER + "p1,,a,zz,2017-01-02T10:00Z,u1,x\n",
     "row 2: column 'parent_id': 'zz' is no item_id of these files"),
    ("long.csv", LONG_HEADER + "p1,,,,2017-01-02T10:00Z,u1,x\n", "column 'item_id': is empty"),
    ("long.csv", LONG_HEADER + "p1,," + "x" * 300 + ",,2017-01-02T10:00Z,u1,x\n",
     "longer than 256 characters"),
    ("long.csv", LONG_HEADER + "p1,,1.5E+14,,2017-01-02T10:00Z,u1,x\n", "an id Excel shortened"),
    ("long.csv", LONG_HEADER + "p1,,a,b,2017-01-02T10:00Z,u1,x\np1,,b,a,2017-01-02T10:00Z,u1,x\n",
     "form a loop"),
    ("long.csv", "page_id,item_id,created_time\np1,a,2017-01-02T10:00Z\n",
     "cannot tell its format"),
    ("other.csv", "name;age\nx;3\n", "cannot tell its format from the header"),
    ("empty.csv", "", "empty file"),
    ("old.xls", "x", "an old .xls workbook"),
    ("broken.xlsx", "not a zip", "not a readable .xlsx workbook"),
    ("nowhere.csv", None, "no such file"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "expected"), BAD, ids=[b[2][:30] for b in BAD])
def test_bad_input_one_line_error_exit_2_nothing_written(tmp_path, name, content, expected, capsys):
    data = tmp_path / "data"
    assert ingest(data, answer_log_of_items(tmp_path / "good.xlsx")) == 0
    before = tree_digest(data)
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    capsys.readouterr()
    assert ingest(data, path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert expected in err
    assert tree_digest(data) == before


def test_a_bad_cell_in_a_sheet_names_file_sheet_row_and_column(tmp_path, capsys):
    path = xlsx(tmp_path / "log.xlsx", {"Vecka 1": [["Ankomsttid", "Svarstid"], ["igår", 5]]})
    assert ingest(tmp_path / "data", path) == 2
    err = capsys.readouterr().err
    assert "log.xlsx, sheet 'Vecka 1', row 2: column 'Ankomsttid': 'igår'" in err


def test_personal_data_in_an_error_is_masked(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("Ankomsttid;Svarstid\n811228-9874;5\n", encoding="utf-8")
    assert ingest(tmp_path / "data", path) == 2
    assert "811228-9874" not in capsys.readouterr().err


def test_skip_invalid_quarantines_masked_rows(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text(
        "Ankomsttid;Svarstid;Anteckning\n2017-01-02 09:00;10;Ring 070-123 45 67\n"
        "fel;10;Personnummer 811228-9874\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    assert ingest(data, path, extra=("--skip-invalid",)) == 0
    assert "rejected 1 item(s)" in capsys.readouterr().out
    (line,) = (data / "quarantine").glob("*.jsonl")
    text = line.read_text()
    assert "811228-9874" not in text and "row 3" in text
    snap = sorted((data / "snapshots").iterdir())[-1]
    stored = pq.read_table(snap / "posts.parquet").to_pylist()
    assert "070-123 45 67" not in str(stored) and len(stored) == 1


# -- --as-of ------------------------------------------------------------------------------------


def test_as_of_before_the_newest_item_is_refused_for_tables_and_graph_api(tmp_path, capsys):
    data = tmp_path / "data"
    path = long_csv_of_items(tmp_path / "long.csv")
    early = ("--as-of", "2017-01-03T00:00:00Z")
    args = ["ingest", "table", "--data-dir", str(data)]
    assert main([*args, *early, str(path)]) == 2
    err = capsys.readouterr().err
    assert "--as-of 2017-01-03T00:00:00Z is before the newest item" in err
    assert "--allow-future-items" in err and not data.exists()
    assert main([*args, *early, "--allow-future-items", str(path)]) == 0
    graph = ["ingest", "graph-api", "--data-dir", str(tmp_path / "g"), *early]
    assert main([*graph, str(ROOT / "examples" / "graph-api")]) == 2
    assert "is before the newest item" in capsys.readouterr().err


# -- the registry, the CLI's help and messages --------------------------------------------------


def test_registry_init_writes_every_page_with_defaults_and_comments(tmp_path, capsys):
    from analysis.registry import load_registry

    data = tmp_path / "data"
    assert ingest(data, answer_log_of_items(tmp_path / "logg.xlsx")) == 0
    assert main(["registry", "init", "--data-dir", str(data)]) == 0
    text = (data / "registry.csv").read_text()
    assert text.startswith("# ") and "# sla_minutes: the response goal" in text
    entry = load_registry(data)["p1"]
    assert entry.sla_minutes == 120 and entry.timezone == "Europe/Stockholm"
    assert main(["registry", "init", "--data-dir", str(data)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["registry", "init", "--data-dir", str(data), "--force"]) == 0


def test_every_option_says_its_default():
    from analysis.cli import build_parser

    def parsers(p):
        yield p
        for action in p._actions:
            if hasattr(action, "choices") and isinstance(action.choices, dict):
                for sub in action.choices.values():
                    yield from parsers(sub)

    for p in parsers(build_parser()):
        for action in p._actions:
            if action.option_strings and action.dest not in ("help", "version", "check"):
                said = "required" if action.required else "default"
                assert said in (action.help or ""), (p.prog, action.option_strings)
                if action.choices:
                    assert all(c in action.help for c in action.choices), action.option_strings


def test_a_mistyped_option_suggests_the_right_one(capsys):
    with pytest.raises(SystemExit):
        main(["rank", "--sectr", "x"])
    assert "did you mean --sector?" in capsys.readouterr().err


def test_an_unknown_sector_lists_the_known_ones(tmp_path, capsys):
    data = tmp_path / "data"
    assert ingest(data, long_csv_of_items(tmp_path / "long.csv")) == 0
    assert main(["rank", "--data-dir", str(data), "--sector", "Ovrigt"]) == 2
    err = capsys.readouterr().err
    assert "--sector 'Ovrigt' is no sector" in err and "known: Övrigt" in err


def test_a_period_outside_the_data_says_so(tmp_path, capsys):
    data = tmp_path / "data"
    assert ingest(data, long_csv_of_items(tmp_path / "long.csv")) == 0
    capsys.readouterr()
    assert main(["rank", "--data-dir", str(data), "--since", "2018-01-01"]) == 0
    out = capsys.readouterr().out
    assert "no inbound items in the period (--since 2018-01-01 --until …)" in out
    assert "--since 2018-01-01 is after the data's last day, 2017-01-05" in out
    assert "the data covers 2017-01-02 to 2017-01-05" in out
    assert main(["rank", "--data-dir", str(data), "--until", "2016-12-31"]) == 0
    assert (
        "--until 2016-12-31 is before the data's first day, 2017-01-02" in capsys.readouterr().out
    )


def test_rank_on_a_fresh_clone_shows_the_dashboards_demo(tmp_path, monkeypatch, capsys):
    from analysis.sources import demo

    base = tmp_path / "data"
    demo.write_demo(base / "demo", items=1000)
    monkeypatch.setenv("SVARSTID_DATA_DIR", str(base))
    assert main(["rank"]) == 0
    captured = capsys.readouterr()
    assert "Synthetic demo data" in captured.out and "showing the demo" in captured.err


# -- the README's quick start, on the examples --------------------------------------------------


def quick_start_commands() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- quick start: tested -->", 1)[1].split("```sh", 1)[1]
    block = block.split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith(".venv/bin/python -m analysis"):
            commands.append(shlex.split(line)[3:])
    return commands


def quick_start_output() -> list[str]:
    """The lines the README shows coming out of the quick start (but the snapshot ids)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- quick start: tested -->", 1)[1].split("What comes out", 1)[1]
    block = block.split("```", 2)[1]
    return [
        line
        for line in block.splitlines()[1:]
        if line and not line.startswith("$") and "…" not in line
    ]


def test_the_readme_quick_start_runs_on_the_examples(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    commands = quick_start_commands()
    assert len(commands) >= 4
    data = tmp_path / "my-data"
    for argv in commands:
        argv = [str(data) if a == "my-data" else a for a in argv]
        assert main(argv) == 0, argv
    out = capsys.readouterr().out.replace(str(data), "my-data")
    out += (data / "registry.csv").read_text(encoding="utf-8")
    for line in quick_start_output():
        assert line in out, line
    rows = ranking(data)
    assert {r["page_name"] for r in rows} == {
        "Exempelmyndigheten", "Exempelverket", "Exempelkassan", "Exempelbolaget",
    }  # fmt: skip
    assert all(r["inbound"] == "12" for r in rows)
    assert re.search(r"Exempelkassan\s+12", out)


# -- more of what a table can hold --------------------------------------------------------------


def test_an_unpaired_surrogate_in_a_cell_is_refused():
    from analysis.sources.table import values

    with pytest.raises(values.CellError, match="unpaired UTF-16 surrogate"):
        values.text("hej \ud800", "message")


def test_a_huge_message_is_stored_cut_and_counted(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(LONG_HEADER + "p1,,a,,2017-01-02T10:00Z,u1," + "å" * 20_000 + "\n", "utf-8")
    data = tmp_path / "data"
    assert ingest(data, path) == 0
    snap = sorted((data / "snapshots").iterdir())[-1]
    manifest = json.loads((snap / "manifest.json").read_text())
    assert manifest["anomalies"]["truncated_messages"] == 1


def test_an_item_repeated_across_files_is_kept_once_the_last_copy(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(LONG_HEADER + "p1,,a,,2017-01-02T10:00Z,u1,Första\n", "utf-8")
    second.write_text(LONG_HEADER + "p1,,a,,2017-01-02T10:00Z,u1,Andra?\n", "utf-8")
    data = tmp_path / "data"
    assert ingest(data, first, second) == 0
    snap = sorted((data / "snapshots").iterdir())[-1]
    (post,) = pq.read_table(snap / "posts.parquet").to_pylist()
    assert post["message"] == "Andra?"
    manifest = json.loads((snap / "manifest.json").read_text())
    assert manifest["anomalies"]["duplicate_items"] == 1


def test_a_workbook_without_a_known_table_names_why(tmp_path, capsys):
    path = xlsx(tmp_path / "x.xlsx", {"A": [["namn", "ålder"], ["x", 1]], "B": [["y"]]})
    assert ingest(tmp_path / "data", path) == 2
    err = capsys.readouterr().err
    assert "x.xlsx, sheet 'A': cannot tell its format" in err


def test_an_excel_time_without_a_time_format_is_a_time_of_day(tmp_path):
    path = xlsx(
        tmp_path / "log.xlsx",
        {"Logg": [["Ankomsttid", "Besvarad"], [datetime(2017, 1, 2, 10), 10.75 / 24]]},
    )
    assert ingest(tmp_path / "data", path) == 0
    assert facts(tmp_path / "data")[0]["wall_minutes"] == pytest.approx(45)


def test_no_name_of_the_public_is_stored(tmp_path):
    data = tmp_path / "data"
    assert ingest(data, ROOT / "examples" / "facepager.csv") == 0
    snap = sorted((data / "snapshots").iterdir())[-1]
    stored = " ".join(
        str(pq.read_table(snap / f"{t}.parquet").to_pylist()) for t in ("pages", "posts", "replies")
    )
    assert "Exempel Person" not in stored and "visitor1" not in stored
    assert "Exempelbolaget" in stored  # the page's own name is kept


def test_an_unknown_column_name_in_columns_is_refused_with_a_suggestion(capsys):
    with pytest.raises(SystemExit):
        main(["ingest", "table", "--columns", "arival=Inkom", "x.csv"])
    assert "'arival' is no column name (did you mean arrival?)" in capsys.readouterr().err


def test_a_csv_line_wider_than_the_table_is_named(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("Ankomsttid;Svarstid\n2017-01-02 09:00;10\n" * 20 + "a;b;c\n", "utf-8")
    assert ingest(tmp_path / "data", path) == 2
    assert "line 41 has 3 fields, the lines above it 2" in capsys.readouterr().err


def test_skip_invalid_leaves_out_a_comment_whose_parent_is_missing(tmp_path, capsys):
    path = tmp_path / "long.csv"
    path.write_text(
        LONG_HEADER + "p1,,a,,2017-01-02T10:00Z,u1,Hej?\n"
        "p1,,a_r,a,2017-01-02T10:20Z,p1,Svar\n"
        "p1,,b_r,b,2017-01-02T10:30Z,p1,Svar till ett inlägg som saknas\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    assert ingest(data, path, extra=("--skip-invalid",)) == 0
    assert "rejected 1 item(s)" in capsys.readouterr().out
    (quarantined,) = (data / "quarantine").glob("*.jsonl")
    line = json.loads(quarantined.read_text())
    assert line["item_id"] == "b_r" and "'b' is no item_id" in line["reason"]
    assert "author_id" not in line["item"]
    (fact,) = facts(data)
    assert fact["wall_minutes"] == 20


def test_forcing_a_format_that_does_not_fit_says_what_it_needs(tmp_path, capsys):
    assert (
        ingest(tmp_path / "d", ROOT / "examples" / "long.csv", extra=("--format", "answer-log"))
        == 2
    )
    assert "no answer-log header: needs an arrival column" in capsys.readouterr().err


def test_bytes_neither_utf8_nor_windows_1252_are_refused(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_bytes(b"Ankomsttid;Svarstid\n2017-01-02 09:00;\x81\x8d\n")
    assert ingest(tmp_path / "data", path) == 2
    assert "neither UTF-8 nor Windows-1252 text (byte 37)" in capsys.readouterr().err


@pytest.mark.parametrize("ignore_file", [".gitignore", ".dockerignore"])
def test_raw_export_folders_are_ignored(ignore_file):
    lines = (ROOT / ignore_file).read_text(encoding="utf-8").splitlines()
    assert {"exports/", "imports/", "raw/"} <= set(lines)
