"""The methodology: every definition Svarstid's numbers rest on, in one place.

The dashboard's Methodology page, `docs/methodology.md` and the CLI's help are written from this
module, and a test checks that `docs/methodology.md` is current (`python -m analysis docs`), so the
text cannot drift from the code: the constants quoted come from the modules that use them.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis import registry
from analysis.hours.spec import DEFAULT_HOURS_SPEC
from analysis.read import metrics
from analysis.settings import TIMEZONE
from analysis.snapshot.text import INTERROGATIVES, MAX_MESSAGE_CHARS


@dataclass(frozen=True)
class Definition:
    key: str
    term_sv: str
    term_en: str
    text_sv: str
    text_en: str


PENDING_H = f"{metrics.DEFAULT_PENDING_HOURS:g}"
SLA = registry.DEFAULT_SLA_MINUTES
MIN_ITEMS = metrics.DEFAULT_MIN_ITEMS

DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "page",
        "Sida och myndighet",
        "Page and agency",
        "En sida är en Facebooksida. En myndighet är organisationen bakom en eller flera sidor "
        "(Försäkringskassan har flera). Rankningen görs per sida eller per myndighet.",
        "A page is a Facebook page. An agency is the organisation behind one or more pages "
        "(Försäkringskassan runs several). Rankings work at page level and at agency level.",
    ),
    Definition(
        "inbound",
        "Inkommande inlägg",
        "Inbound item",
        "(a) Ett besökarinlägg: ett inlägg på sidans vägg av någon annan än sidan, eller (b) en "
        "kommentar på översta nivån av någon annan än sidan under ett av sidans egna inlägg. "
        "Andra besökares kommentarer under ett besökarinlägg och besökares svar i trådar är "
        "samtal, inte inkommande inlägg. Kommentarer där Facebook döljer avsändaren räknas "
        "varken som inkommande eller som svar, bara i datakvaliteten.",
        "(a) A visitor post: a post on the page's wall by anyone but the page; or (b) a "
        "top-level comment by anyone but the page on one of the page's own posts. Other "
        "visitors' comments under a visitor post, and nested replies by visitors, are "
        "conversation, not inbound items. Comments whose author Facebook hides count as "
        "neither, only in the data-quality report.",
    ),
    Definition(
        "scope",
        "Urval",
        "Scope",
        "Besökarinlägg, kommentarer, alla (båda) eller frågor: inkommande inlägg med ett "
        "frågetecken eller som inleder en mening med ett frågeord (t.ex. "
        + ", ".join(INTERROGATIVES[:8])
        + ").",
        "Visitor posts, comments, all (both) or questions: inbound items with a question mark "
        "or a sentence opening with an interrogative (e.g. "
        + ", ".join(INTERROGATIVES[-12:-4])
        + ").",
    ),
    Definition(
        "answer_log",
        "Svarsloggar",
        "Answer logs",
        "En myndighets egen svarslogg (ankomsttid och svarstid per fråga, t.ex. i Excel) "
        "saknar meddelandetexter och svarsobjekt. Varje rad blir ett inkommande inlägg utan "
        "text (en kommentar, om inte en typkolumn säger inlägg) och, när den är besvarad, ett "
        "svar från sidan vid svarstiden. Alla rader i en svarslogg räknas som frågor, eftersom "
        "handläggarna loggar frågor; de kan alltså inte sållas på text. Tider utan tidszon läses "
        "i sidans tidszon.",
        "An agency's own answer log (arrival and answer time per question, e.g. in Excel) holds "
        "no message texts and no reply objects. Each row becomes an inbound item without text "
        "(a comment, unless a type column says wall post) and, when answered, one page reply "
        "at the answer time. Every answer-log row counts as a question, since officers log "
        "questions; they cannot be sifted by their text. Times without an offset are read in "
        "the page's time zone.",
    ),
    Definition(
        "reply",
        "Svar från sidan",
        "Page reply",
        "En kommentar skriven av sidan själv: i ett besökarinläggs kommentarsträd, eller i "
        "tråden under en kommentar. Bara det första svaret räknas. Ett svar stämplat före sitt "
        "inlägg är en dataavvikelse: inlägget räknas som besvarat men tidsätts inte.",
        "A comment written by the page itself: anywhere in a visitor post's comment tree, or "
        "in the thread under a top-level comment. Only the first reply counts. A reply stamped "
        "before its item is a data anomaly: the item counts as answered but is not timed.",
    ),
    Definition(
        "response_time",
        "Svarstid",
        "Response time",
        "Första svarets tid minus inläggets tid, i minuter, på en av två klockor: väggklocka "
        "(kalendertid) eller öppettider (bara öppen tid räknas; standard "
        f"{DEFAULT_HOURS_SPEC} {TIMEZONE}, stängt på svenska helgdagar samt midsommar-, "
        "jul- och nyårsafton; öppettider per sida i registret). Ett inlägg som kommer när det "
        "är stängt börjar räknas vid nästa öppning. Sommartid hanteras i lokal tid.",
        "First reply time minus item time, in minutes, on one of two clocks: wall (calendar "
        "time) or business (only opening hours count; default "
        f"{DEFAULT_HOURS_SPEC} {TIMEZONE}, closed on Swedish public holidays and on "
        "Midsummer, Christmas and New Year's Eve; per-page hours in the registry). An item "
        "that arrives when closed starts its clock at the next opening. Daylight saving time "
        "is handled in local time.",
    ),
    Definition(
        "pending",
        "Väntande",
        "Pending",
        f"Obesvarat och yngre än {PENDING_H} timmar när ögonblicksbilden togs: ännu varken "
        "besvarat eller ignorerat. Räknas inte i svarsfrekvensen och visas för sig.",
        f"Unanswered and younger than {PENDING_H} hours when the snapshot was taken: neither "
        "answered nor ignored yet, so left out of the reply rate and shown apart.",
    ),
    Definition(
        "reply_rate",
        "Svarsfrekvens",
        "Reply rate",
        "Besvarade delat med inkommande (väntande undantagna), med ett 95 % Wilson-intervall "
        "som visar osäkerheten när antalet är litet.",
        "Answered ÷ inbound (pending excluded), with a 95 % Wilson interval that shows the "
        "uncertainty when counts are small.",
    ),
    Definition(
        "median",
        "Median svarstid",
        "Median response time",
        "Medianen över besvarade inlägg (Fanpage Karmas definition; medelvärdet vilseleder, "
        "eftersom ett inlägg en fredagskväll som besvaras på måndagen dominerar det). "
        "Svar efter 10, 45, 120, 1200 och 53 minuter ger medianen 53.",
        "The median over answered items (Fanpage Karma's definition; the average misleads "
        "because a Friday-night post answered on Monday dominates it). Replies after 10, 45, "
        "120, 1200 and 53 minutes give a median of 53.",
    ),
    Definition(
        "p90",
        "90:e percentilen",
        "90th percentile",
        "Den svarstid som 90 % av de besvarade inläggen håller sig under (linjär interpolation).",
        "The response time 90 % of answered items stay under (linear interpolation).",
    ),
    Definition(
        "sla",
        "Inom målet",
        "Within the goal",
        f"Andel inlägg besvarade inom sidans svarsmål (standard {SLA} minuter, på vald klocka "
        "— myndigheternas eget mål är två timmar inom öppettid). Obesvarade räknas som missar; "
        "väntande räknas inte.",
        f"Share of items answered within the page's goal (default {SLA} minutes on the chosen "
        "clock — the agencies' own goal is two hours within opening hours). Unanswered items "
        "count as misses; pending ones are left out.",
    ),
    Definition(
        "km_median",
        "Kaplan–Meier-median",
        "Kaplan–Meier median",
        "Mediantid till svar där obesvarade inlägg räknas som censurerade vid den tid de hade "
        "väntat när ögonblicksbilden togs, i stället för att ignoreras. Tom när mindre än "
        "hälften någonsin besvaras. Räknas på ett rutnät: hela minuter första dygnet, "
        "kvartar första veckan, hela dygn därefter.",
        "Median time to reply that counts unanswered items as censored at the time they had "
        "waited when the snapshot was taken, instead of ignoring them. Empty when fewer than "
        "half are ever answered. Computed on a grid: whole minutes for the first day, "
        "quarter hours for the first week, whole days beyond.",
    ),
    Definition(
        "rank",
        "Rang",
        "Rank",
        "Efter svarsfrekvens (högst först), vid lika efter median svarstid (kortast först). "
        f"En sida med färre än {MIN_ITEMS} bedömda inlägg i perioden visas men rankas inte "
        "(för få för att rankas).",
        "By reply rate (highest first), ties by median response time (shortest first). A page "
        f"with fewer than {MIN_ITEMS} rated items in the period is listed but not ranked "
        "(too few to rank).",
    ),
    Definition(
        "wall",
        "Öppen vägg",
        "Open wall",
        "Om sidans vägg tar emot inlägg från besökare. En stängd vägg är inte samma sak som en "
        "öppen vägg som ignoreras.",
        "Whether the page's wall accepts visitor posts. A closed wall is not the same as an "
        "open wall that is ignored.",
    ),
    Definition(
        "privacy",
        "Integritet",
        "Privacy",
        "Personnummer och samordningsnummer (Luhn-kontrollerade), e-postadresser och "
        "telefonnummer maskeras innan något sparas; besökares id ersätts med en saltad "
        "hashning och namn sparas inte. Meddelanden kortas till "
        f"{MAX_MESSAGE_CHARS:,} tecken.".replace(",", " "),
        "Personal identity and co-ordination numbers (Luhn-checked), e-mail addresses and "
        "phone numbers are masked before anything is stored; visitor ids are replaced by a "
        "salted hash and names are not stored. Messages are cut at "
        f"{MAX_MESSAGE_CHARS:,} characters.",
    ),
)


def definitions(lang: str = "sv") -> list[tuple[str, str]]:
    """(term, text) pairs in Swedish ('sv') or English ('en')."""
    if lang == "en":
        return [(d.term_en, d.text_en) for d in DEFINITIONS]
    return [(d.term_sv, d.text_sv) for d in DEFINITIONS]


def markdown(lang: str = "en") -> str:
    title = "Methodology" if lang == "en" else "Metod"
    lines = [
        f"# {title}",
        "",
        "<!-- generated from analysis/methodology.py by `python -m analysis docs`; do not edit -->",
        "",
    ]
    for term, text in definitions(lang):
        lines += [f"## {term}", "", text, ""]
    return "\n".join(lines)
