"""Write the example exports in this folder: tiny, fully synthetic, no real person's data.

    python examples/make_examples.py

One invented page per format, a dozen questions each in January 2017, answered (or not) by the
same seeded rules: `graph-api/` (a Graph API page folder), `long.csv` (Svarstid's long format),
`answer-log.xlsx` (an agency's answer log, Swedish headers, a title row above them) and
`facepager.csv` (a Facepager export: `;`, UTF-8 with BOM, `from.id` requested). The files are
committed; this script is how they were made (run it again after changing it).
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
STOCKHOLM = ZoneInfo("Europe/Stockholm")
QUESTIONS = (
    "Hur ansöker jag om bidraget?",
    "När betalas pengarna ut?",
    "Vilken blankett ska jag använda?",
    "Kan jag ändra min ansökan i efterhand?",
    "Varför har jag inte fått något beslut?",
    "Gäller det här även studenter?",
)
ANSWERS = ("Hej! Du ansöker på vår webbplats.", "Hej! Utbetalning sker den 25:e.")


def questions(seed: int, count: int = 12) -> list[tuple[datetime, float | None]]:
    """(arrival in UTC, minutes to the answer or None) for `count` invented questions."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        day = datetime(2017, 1, 2 + (i * 2) % 26, 8 + rng.randrange(9), rng.randrange(60))
        arrival = day.replace(tzinfo=STOCKHOLM).astimezone(UTC)
        minutes = None if rng.random() < 0.2 else float(rng.choice((12, 35, 55, 90, 150, 400)))
        out.append((arrival, minutes))
    return out


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def graph_api(root: Path) -> None:
    page_id = "9001"
    folder = root / "graph-api" / f"page_{page_id}"
    folder.mkdir(parents=True, exist_ok=True)
    page = {"id": page_id, "name": "Exempelmyndigheten", "category": "Government organization"}
    (folder / "page.json").write_text(
        json.dumps(page, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    comments = []
    for i, (at, minutes) in enumerate(questions(1)):
        node = {
            "id": f"{page_id}_1_{i}",
            "created_time": _iso(at),
            "from": {"id": f"visitor{i}", "name": "Exempel Person"},
            "message": QUESTIONS[i % len(QUESTIONS)],
        }
        if minutes is not None:
            reply = {
                "id": f"{page_id}_1_{i}_r",
                "created_time": _iso(at + timedelta(minutes=minutes)),
                "from": {"id": page_id, "name": "Exempelmyndigheten"},
                "message": ANSWERS[i % 2],
            }
            node["comments"] = {"data": [reply]}
        comments.append(node)
    post = {
        "id": f"{page_id}_1",
        "created_time": "2017-01-02T07:00:00+0000",
        "from": {"id": page_id, "name": "Exempelmyndigheten"},
        "message": "Nu öppnar ansökan för vårens bidrag.",
        "comments": {"data": comments},
    }
    feed = {"data": [post]}
    (folder / "feed_001.json").write_text(
        json.dumps(feed, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )


def long_csv(root: Path) -> None:
    """Visitor posts with the page's replies; local times without offset, `,` separated."""
    page_id = "9002"
    rows = [["page_id", "page_name", "item_id", "parent_id", "created_time", "author_id",
             "is_page", "message", "is_hidden", "permalink"]]  # fmt: skip
    for i, (at, minutes) in enumerate(questions(2)):
        local = at.astimezone(STOCKHOLM)
        item = f"{page_id}_{i}"
        question = QUESTIONS[i % len(QUESTIONS)]
        rows.append([page_id, "Exempelverket", item, "", f"{local:%Y-%m-%d %H:%M}",
                     f"visitor{i}", "false", question, "false", ""])  # fmt: skip
        if minutes is not None:
            reply = (local + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")
            rows.append([page_id, "Exempelverket", f"{item}_r", item, reply, page_id, "true",
                         ANSWERS[i % 2], "", ""])  # fmt: skip
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (root / "long.csv").write_text(buf.getvalue(), encoding="utf-8")


def answer_log(root: Path) -> None:
    """An officer's log: a merged title row, Swedish headers, date and arrival time apart, the
    answer as a time of day, an empty one when unanswered, a >2h column."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Januari"
    ws["A1"] = "Svarslogg Facebook, januari 2017"
    ws.merge_cells("A1:F1")
    ws.append(["Datum", "Ankomsttid", "Svarstid", "Sida", "Kategori", ">2h"])
    for at, minutes in questions(3):
        local = at.astimezone(STOCKHOLM).replace(tzinfo=None)
        answered = (local + timedelta(minutes=minutes)).time() if minutes is not None else None
        late = "x" if minutes is not None and minutes > 120 else None
        ws.append([local.date(), local.time(), answered, "Exempelkassan", "Ansökan", late])
    for row in ws.iter_rows(min_row=3):
        row[0].number_format = "yyyy-mm-dd"
        row[1].number_format = "hh:mm"
        row[2].number_format = "hh:mm"
    notes = book.create_sheet("Anteckningar")
    notes["A1"] = "Ingen tabell här: bladet läses inte."
    book.properties.creator = "Svarstid examples"
    book.properties.created = book.properties.modified = datetime(2017, 2, 1)
    book.save(root / "answer-log.xlsx")


def facepager(root: Path) -> None:
    """Facepager's node tree: a seed (the page), its posts, their comments; `;`, BOM."""
    page_id = "9004"
    header = ["level", "id", "parent_id", "object_id", "object_type", "object_key",
              "query_status", "query_time", "query_type", "created_time", "message",
              "from.name", "from.id"]  # fmt: skip
    rows = [header, ["0", "1", "", page_id, "seed", "", "fetched (200)", "2017-02-01 00:00:00",
                     "Facebook:/<Object ID>/posts", "", "", "", ""]]  # fmt: skip
    node = 1
    for i, (at, minutes) in enumerate(questions(4)):
        node += 1
        post = node
        rows.append(["1", str(post), "1", f"{page_id}_{i}", "data", "data",
                     "fetched (200)", "2017-02-01 00:00:00", "Facebook:/<Object ID>/posts",
                     _iso(at - timedelta(hours=1)), "Dagens tips från oss.",
                     "Exempelbolaget", page_id])  # fmt: skip
        node += 1
        comment = node
        rows.append(["2", str(comment), str(post), f"{page_id}_{i}_c", "data", "data",
                     "fetched (200)", "2017-02-01 00:00:00", "Facebook:/<Object ID>/comments",
                     _iso(at), QUESTIONS[i % len(QUESTIONS)], "Exempel Person",
                     f"visitor{i}"])  # fmt: skip
        if minutes is not None:
            node += 1
            rows.append(["3", str(node), str(comment), f"{page_id}_{i}_r", "data", "data",
                         "fetched (200)", "2017-02-01 00:00:00",
                         "Facebook:/<Object ID>/comments", _iso(at + timedelta(minutes=minutes)),
                         ANSWERS[i % 2], "Exempelbolaget", page_id])  # fmt: skip
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    (root / "facepager.csv").write_text(buf.getvalue(), encoding="utf-8-sig")


def write_all(root: Path = HERE) -> None:
    graph_api(root)
    long_csv(root)
    answer_log(root)
    facepager(root)


if __name__ == "__main__":
    write_all()
    print(f"wrote the examples in {HERE}")
