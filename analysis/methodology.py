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
        "(Försäkringskassan har flera). Rankningen görs per sida eller per myndighet. På "
        "myndighetsnivå håller kolumnerna page_id och page_name myndighetens namn (som agency), "
        "och count_pages räknar myndighetens sidor i data (med sektorfiltret), även sidor utan "
        "inkommande inlägg i perioden.",
        "A page is a Facebook page. An agency is the organisation behind one or more pages "
        "(Försäkringskassan runs several). Rankings work at page level and at agency level. At "
        "agency level the columns page_id and page_name hold the agency's name (as agency "
        "does), and count_pages counts the agency's pages in the data (within the sector "
        "filter), pages without inbound items in the period included.",
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
        + "). Allt som inte är bokstäver i början av en mening hoppas över före frågeordet: "
        "mellanslag, citattecken, tankstreck, siffror, symboler och emoji (även med hudton, "
        "sammansatta emoji och flaggor), så ”👍 När kommer …” är en fråga.",
        "Visitor posts, comments, all (both) or questions: inbound items with a question mark "
        "or a sentence opening with an interrogative (e.g. "
        + ", ".join(INTERROGATIVES[-12:-4])
        + "). Any run of non-letters that opens a sentence is skipped before the "
        "interrogative: spaces, quote marks, dashes, digits, symbols and emoji (with skin "
        "tones, ZWJ sequences and flags too), so “👍 När kommer …” is a question.",
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
        "inlägg är en dataavvikelse: inlägget räknas som besvarat men tidsätts inte. Har "
        "inlägget både ett svar stämplat före och ett efter, tidsätts det av det första svaret "
        "stämplat vid eller efter inlägget; det tidigare bortses från.",
        "A comment written by the page itself: anywhere in a visitor post's comment tree, or "
        "in the thread under a top-level comment. Only the first reply counts. A reply stamped "
        "before its item is a data anomaly: the item counts as answered but is not timed. An "
        "item with one reply stamped before it and one after is timed by the first reply "
        "stamped at or after it; the earlier one is ignored.",
    ),
    Definition(
        "response_time",
        "Svarstid",
        "Response time",
        "Första svarets tid minus inläggets tid, i minuter, på en av två klockor: väggklocka "
        "(kalendertid) eller öppettider (bara öppen tid räknas; standard "
        f"{DEFAULT_HOURS_SPEC} {TIMEZONE}, stängt på svenska helgdagar samt midsommar-, "
        "jul- och nyårsafton; öppettider per sida i registret). Ett inlägg som kommer när det "
        "är stängt börjar räknas vid nästa öppning. Sommartid hanteras i lokal tid. Öppettider "
        "i registret som tar med söndagar räknar söndagarna som öppna; helgdagarna och de tre "
        "aftnarna är stängda vilka veckotider som än anges (utom med `always`, dygnet runt).",
        "First reply time minus item time, in minutes, on one of two clocks: wall (calendar "
        "time) or business (only opening hours count; default "
        f"{DEFAULT_HOURS_SPEC} {TIMEZONE}, closed on Swedish public holidays and on "
        "Midsummer, Christmas and New Year's Eve; per-page hours in the registry). An item "
        "that arrives when closed starts its clock at the next opening. Daylight saving time "
        "is handled in local time. Registry hours that include Sundays keep Sundays open; "
        "public holidays and the three eves are closed whatever the weekly hours say (except "
        "with `always`, round the clock).",
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
        "väntande räknas inte. Inlägg som bara har ett svar stämplat före sig lämnas utanför "
        "(de räknas inte som missar): de är besvarade men går inte att tidsätta, så andelens "
        "bas kan vara mindre än svarsfrekvensens.",
        f"Share of items answered within the page's goal (default {SLA} minutes on the chosen "
        "clock — the agencies' own goal is two hours within opening hours). Unanswered items "
        "count as misses; pending ones are left out. Items answered only by a reply stamped "
        "before them are left out too (not counted as misses): they were answered but cannot "
        "be timed, so this share's base can be smaller than the reply rate's.",
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
        "(för få för att rankas); i tabellen står antalet bredvid, och 95 %-intervallet står "
        "intill svarsfrekvensen. Att ranka efter intervallets nedre gräns övervägdes: det "
        "straffar små sidor för osäkerheten i stället för deras svar och ändrar ordningen "
        "varje gång antalet inlägg ändras, så rangen följer svarsfrekvensen och intervallet "
        "visas i stället, så att en läsare ser när två rader inte går att skilja åt.",
        "By reply rate (highest first), ties by median response time (shortest first). A page "
        f"with fewer than {MIN_ITEMS} rated items in the period is listed but not ranked "
        "(too few to rank); the table says how many it has, and the 95 % interval stands "
        "beside the reply rate. Ranking by the interval's lower bound was considered: it "
        "penalises small pages for uncertainty rather than for their replies and reorders "
        "rows whenever the item counts change, so the rank follows the reply rate and the "
        "interval is shown instead, so that a reader sees when two rows cannot be told apart.",
    ),
    Definition(
        "wall",
        "Öppen vägg",
        "Open wall",
        "Om sidans vägg tar emot inlägg från besökare. En stängd vägg är inte samma sak som en "
        "öppen vägg som ignoreras. Säger registret att väggen är stängd men data har "
        "besökarinlägg (väggen stängdes senare, eller registret har fel), visas väggen som "
        "stängd och besökarinläggen räknas ändå som inkommande inlägg: det sidan fått räknas.",
        "Whether the page's wall accepts visitor posts. A closed wall is not the same as an "
        "open wall that is ignored. When the registry says the wall is closed but the data has "
        "visitor posts (the wall was closed later, or the registry is wrong), the wall is shown "
        "as closed and the visitor posts still count as inbound items: what a page got counts.",
    ),
    Definition(
        "buckets",
        "Svarstidsintervall",
        "Response-time buckets",
        "Andelen inlägg besvarade inom 0–2 timmar, 2–8 timmar, 8–24 timmar och efter mer än "
        "24 timmar på vald klocka (övre gränsen ingår: 120 minuter är 0–2 timmar), "
        "besvarade men ej tidsatta (bara ett svar stämplat före inlägget) och obesvarade; "
        "väntande visas för sig. Med de väntande blir summan alla inkommande inlägg. "
        "Andelarna räknas på bedömda inlägg (väntande undantagna).",
        "The share of items answered within 0–2 hours, 2–8 hours, 8–24 hours and after more "
        "than 24 hours on the chosen clock (the upper edge belongs to the bucket: 120 minutes "
        "is 0–2 hours), answered but untimed (only a reply stamped before the item) and "
        "unanswered; pending items are shown apart. With the pending ones they add up to all "
        "inbound items. Shares are of the rated items (pending excluded).",
    ),
    Definition(
        "history",
        "Rankningshistorik och förflyttning",
        "Ranking history and movement",
        "Rangen per kalendermånad eller kvartal (Europe/Stockholm) är rankningen för just den "
        "perioden, med samma regler. Förflyttningen är rangen i perioden före minus rangen nu "
        "(↑3: tre platser upp); ”ny” när sidan rankas nu men inte rankades i perioden före. "
        "I rankningen jämförs vald period med perioden före: lika många hela månader före när "
        "perioden är hela månader (en månad, ett kvartal), annars lika många dagar före. "
        "Ingen förflyttning för hela datamängden.",
        "A page's rank per calendar month or quarter (Europe/Stockholm) is the ranking of that "
        "period alone, by the same rules. Movement is the rank in the period before minus the "
        "rank now (↑3: up three places); “new” when the page is ranked now but was not in the "
        "period before. On the leaderboard the chosen period is compared with the one before: "
        "as many whole months before when the period is whole months (a month, a quarter), "
        "otherwise as many days before. No movement for the whole data.",
    ),
    Definition(
        "follow_up",
        "Uppföljningsgrad (indikator)",
        "Follow-up rate (a proxy)",
        "Av de besvarade inlägg som kan tidsättas: andelen där samma besökare (samma pseudonym) "
        "skrev ett nytt inkommande inlägg på samma ställe efter sidans första svar och inom "
        f"{metrics.FOLLOW_UP_HOURS} timmar från det — svaret löste kanske inte saken. "
        "Samma ställe: "
        "under samma av sidans inlägg för en kommentar, på sidans vägg för ett besökarinlägg. "
        "En indikator, inte ett mått på kvalitet: besökare skriver också för att tacka. Ett "
        "längre fönster fångar mest flitiga kommentatorers nya, orelaterade inlägg. "
        "Besökares svar inne i trådar sparas inte (de är samtal), så uppföljningar där räknas "
        "inte.",
        "Of the answered items that can be timed: the share whose visitor (the same pseudonym) "
        "wrote a new inbound item in the same place after the page's first reply and within "
        f"{metrics.FOLLOW_UP_HOURS} hours of it — the answer may not have settled it. The same "
        "place: under the same page post for a comment, on the page's wall for a visitor post. "
        "A proxy, not a measure of quality: visitors also write to say thanks. A longer "
        "window mostly catches frequent commenters' new, unrelated items. Visitors' "
        "replies inside threads are not stored (they are conversation), so follow-ups there "
        "are not counted.",
    ),
    Definition(
        "redirect",
        "Hänvisningsgrad (indikator)",
        "Redirect rate (a proxy)",
        "Av sidans första svar (det svar som tidsätter inlägget): andelen som skickar besökaren "
        "någon annanstans, enligt en lista med svenska och engelska uttryck (oavsett "
        "versaler): " + "; ".join(d for _, d in metrics.REDIRECT_PATTERNS) + ". Telefonnummer "
        "och e-postadresser i svar är maskerade, så det är maskeringen som känns igen. En "
        "indikator: en hänvisning kan vara rätt svar.",
        "Of the page's first replies (the reply that times the item): the share that sends the "
        "visitor elsewhere, by a list of Swedish and English phrases (any case): "
        + "; ".join(d for _, d in metrics.REDIRECT_PATTERNS)
        + ". Phone numbers and e-mail "
        "addresses in replies are masked, so the mask is what is recognised. A proxy: a "
        "redirect can be the right answer.",
    ),
    Definition(
        "moderation",
        "Moderering och personnummer",
        "Moderation and personal identity numbers",
        "Per sida och månad: inkommande inlägg som sidan dolt (enligt exportens is_hidden; "
        "Graph API anger det bara för kommentarer, övriga räknas som okänt), inlägg där "
        "maskeringen hittade ett personnummer eller samordningsnummer (en flagga som sätts vid "
        "inläsningen; numret sparas aldrig) och andelen av dem som sidan dolt. Andelarnas bas "
        "är inläggen där det är känt om de dolts. Ögonblicksbilder från före flaggan räknas "
        "som okända.",
        "Per page and month: inbound items the page hid (the export's is_hidden; the Graph API "
        "gives it for comments only, the rest count as unknown), items in which masking found "
        "a personal identity or co-ordination number (a flag set at ingest; the number itself "
        "is never stored), and the share of those the page hid. The shares' base is the items "
        "whose hidden state is known. Snapshots from before the flag count as unknown.",
    ),
    Definition(
        "storms",
        "Stormar",
        "Storms",
        f"En storm är en följd av kvartar ({metrics.STORM_WINDOW_MINUTES} minuter, fasta "
        "klockkvartar) i rad där en sidas inkommande inlägg når minst det största av "
        f"{metrics.STORM_FACTOR} × sidans vanliga takt och {metrics.STORM_MIN_ITEMS} inlägg. "
        "Den vanliga takten är medianen av antalet inlägg över sidans kvartar med minst ett "
        "inlägg i vald period och urval. För varje storm visas start, slut, storlek och "
        "längd, och svarsfrekvens och median svarstid under stormen mot samma sida utanför "
        "sina stormar. En skur som delas av en kvartsgräns räknas per kvart.",
        f"A storm is a run of consecutive quarter hours ({metrics.STORM_WINDOW_MINUTES} "
        "minutes, fixed clock quarters) in which a page's inbound items reach at least the "
        f"greater of {metrics.STORM_FACTOR} × the page's usual rate and "
        f"{metrics.STORM_MIN_ITEMS} items. The usual rate is the median count over the page's "
        "quarters with at least one item in the chosen period and scope. Each storm is listed "
        "with its start, end, size and duration, and its reply rate and median response time "
        "against the same page outside its storms. A burst split by a quarter boundary is "
        "counted per quarter.",
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
