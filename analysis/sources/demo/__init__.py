"""The synthetic demo world: 66 Swedish agency and state-company pages, July 2016 – June 2017.

Modelled on the study in the article that started Svarstid (Smampion's ranking of 66 agencies and
state companies, January 2017) and on what the article tells about the pages behind it. Nothing
here is real data: names are real, every post, reply and number is generated.

What the study month reproduces (`rank --scope visitor_posts --since 2017-01-01 --until
2017-01-31`): 66 pages, 33 with an open wall, 11 of those without a single reply to a visitor
post; Statens veterinärmedicinska anstalt, "Sol" and "UD Resklar" answer 100 %; the fastest
medians are Lotteriinspektionen 14 min, "Försäkringskassan bostadsbidrag" 91 min and
Sjöfartsverket 137 min, every other page is slower.

What the year shows: visitors write around the clock and at weekends, pages reply in their
staffed hours (so Monday 08–10 is the busiest reply time); Pensionsmyndigheten meets its two-hour
goal on about 98 % of items on the opening-hours clock while its wall-clock median is hours; a
storm of angry comments hits Pensionsmyndigheten after a TV4 segment on efterlevandestöd at the
end of March 2017; "Försäkringskassan förälder" posts "När kommer pengarna?" a few days before
each monthly payout and gets fewer payout questions afterwards, and once got 500 comments in a
quarter of an hour (the twin parents' campaign in the autumn); "Skatteverket – Dags att
deklarera" has no response goal, asks many follow-up questions and peaks before the 2 May
deadline; open walls nobody answers, closed walls. Messages are Swedish (and other languages on
Försäkringskassan's language page), with emojis, and some carry personal identity numbers,
e-mail addresses and phone numbers, which `storage.write_snapshot` masks like any export's.

Generation is vectorised with numpy (one loop over the 66 pages, none per row) and seeded: the
same seed gives identical tables. `--items N` scales every volume, bursts included, to N
inbound items.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.contract import BATCH_ROWS, PAGES_SCHEMA, RAW_POSTS_SCHEMA, REPLIES_SCHEMA
from analysis.datafolder import list_snapshots, read_manifest
from analysis.errors import DataDirError, InputError
from analysis.hours.clock import closed_days
from analysis.hours.spec import DEFAULT_HOURS_SPEC, OpeningHours
from analysis.registry import PageEntry, write_registry
from analysis.settings import STUDY_MONTH, TIMEZONE
from analysis.snapshot.writer import SnapshotInfo, write_snapshot_batches

DEFAULT_SEED = 2017
DEFAULT_ITEMS = 200_000
MAX_ITEMS = 20_000_000
STOCKHOLM = ZoneInfo(TIMEZONE)
FIRST_DAY = date(2016, 7, 1)
DAYS = 365  # 2016-07-01 … 2017-06-30
AS_OF = datetime(2017, 7, 1, 0, 0, tzinfo=UTC)
US = 1_000_000  # microseconds per second
MIN_US = 60 * US


# -- the pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    """One page of the demo world and how its visitors and staff behave.

    `role`: "answers" (an open wall the page answers), "silent" (an open wall nobody answers),
    "perfect" (answers every visitor post of the study month), "fast" (one of the three fastest
    in the study month, with `target` minutes as its median) or "closed" (no visitor posts).
    """

    key: str
    name: str
    agency: str
    sector: str
    followers: int
    volume: float  # relative yearly inbound items
    role: str
    topic: str = "generic"
    reply: float = 0.7  # probability a question gets a page reply
    delay: float = 120.0  # median minutes to the first reply on the staffed-hours clock
    sigma: float = 0.9  # lognormal spread of that delay
    hours: str = DEFAULT_HOURS_SPEC  # staffed hours = the registry's opening hours
    sla: int | None = 120
    vp_share: float = 0.3  # share of inbound items that are visitor posts (open walls)
    season: str = "flat"
    daytime: float = 0.15  # how much visitors keep to office hours (0 evenings … 1 office)
    followup: float = 0.0  # share of first replies that ask a follow-up question
    target: int | None = None  # planted study-month median (role "fast"), minutes
    category: str = "Government organization"

    @property
    def open_wall(self) -> bool:
        return self.role != "closed"


def _company(**kw) -> dict:
    return {"sector": "Statliga bolag", "category": "Company", **kw}


PAGES: tuple[PageSpec, ...] = tuple(
    PageSpec(**kw)
    for kw in (
        # -- open walls the page answers --
        dict(key="fk_foralder", name="Försäkringskassan förälder", agency="Försäkringskassan",
             sector="Socialförsäkring", followers=84_300, volume=220, role="answers",
             topic="foralder", reply=0.93, delay=45, sigma=0.8, vp_share=0.3),
        dict(key="fk_sprak", name="Försäkringskassan på andra språk", agency="Försäkringskassan",
             sector="Socialförsäkring", followers=6_800, volume=9, role="answers", topic="sprak",
             reply=0.85, delay=120, vp_share=0.4),
        dict(key="pension", name="Pensionsmyndigheten", agency="Pensionsmyndigheten",
             sector="Socialförsäkring", followers=10_150, volume=33, role="answers",
             topic="pension", reply=0.997, delay=28, sigma=0.6, vp_share=0.3, season="pension"),
        dict(key="skv_dekl", name="Skatteverket – Dags att deklarera", agency="Skatteverket",
             sector="Skatt", followers=10_900, volume=60, role="answers", topic="deklaration",
             reply=0.85, delay=180, sigma=1.0, sla=None, vp_share=0.35, season="tax",
             followup=0.6),
        dict(key="polisen", name="Polisen", agency="Polisen", sector="Rättsväsende",
             followers=412_000, volume=80, role="answers", topic="polis", reply=0.55, delay=150,
             hours="mon-fri 07:00-19:00; sat-sun 10:00-16:00", sla=240, vp_share=0.25),
        dict(key="trafikverket", name="Trafikverket", agency="Trafikverket", sector="Transport",
             followers=88_000, volume=40, role="answers", topic="vag", reply=0.75, delay=90,
             hours="mon-fri 07:00-18:00", season="winter"),
        dict(key="af", name="Arbetsförmedlingen", agency="Arbetsförmedlingen",
             sector="Arbete och utbildning", followers=64_000, volume=45, role="answers",
             topic="arbete", reply=0.6, delay=300, sla=480),
        dict(key="csn", name="CSN", agency="Centrala studiestödsnämnden",
             sector="Arbete och utbildning", followers=71_000, volume=35, role="answers",
             topic="studier", reply=0.82, delay=120, sla=240, season="students"),
        dict(key="transportstyrelsen", name="Transportstyrelsen", agency="Transportstyrelsen",
             sector="Transport", followers=23_000, volume=18, role="answers", topic="fordon",
             reply=0.7, delay=200, sla=480),
        dict(key="migrationsverket", name="Migrationsverket", agency="Migrationsverket",
             sector="Migration", followers=45_000, volume=38, role="answers", topic="migration",
             reply=0.5, delay=360, sla=480, vp_share=0.4),
        dict(key="livsmedelsverket", name="Livsmedelsverket", agency="Livsmedelsverket",
             sector="Hälsa och livsmedel", followers=39_000, volume=9, role="answers",
             topic="mat", reply=0.8, delay=150, sla=480),
        dict(key="konsumentverket", name="Konsumentverket", agency="Konsumentverket",
             sector="Näringsliv och konsument", followers=12_500, volume=7, role="answers",
             topic="konsument", reply=0.75, delay=200, sla=480),
        _company(key="sj", name="SJ", agency="SJ", followers=198_000, volume=50,
                 role="answers", topic="tag", reply=0.88, delay=25,
                 hours="mon-sun 06:00-22:00", sla=60, season="travel"),
        _company(key="systembolaget", name="Systembolaget", agency="Systembolaget",
                 followers=142_000, volume=28, role="answers", topic="system", reply=0.9,
                 delay=60, hours="mon-fri 08:00-17:00; sat 10:00-14:00"),
        _company(key="postnord", name="PostNord Sverige", agency="PostNord", followers=96_000,
                 volume=55, role="answers", topic="post", reply=0.82, delay=70,
                 hours="mon-fri 08:00-18:00; sat 10:00-15:00", vp_share=0.45),
        _company(key="vattenfall", name="Vattenfall", agency="Vattenfall", followers=58_000,
                 volume=14, role="answers", topic="el", reply=0.78, delay=90),
        # -- the three fastest of the study month --
        dict(key="fk_bostadsbidrag", name="Försäkringskassan bostadsbidrag",
             agency="Försäkringskassan", sector="Socialförsäkring", followers=21_400, volume=22,
             role="fast", target=91, topic="bostadsbidrag", reply=0.92, delay=35,
             daytime=0.75, vp_share=0.45),
        dict(key="lotteriinspektionen", name="Lotteriinspektionen",
             agency="Lotteriinspektionen", sector="Näringsliv och konsument", followers=4_300,
             volume=1.6, role="fast", target=14, topic="lotteri", reply=0.8, delay=8,
             daytime=0.85, vp_share=0.6),
        dict(key="sjofartsverket", name="Sjöfartsverket", agency="Sjöfartsverket",
             sector="Transport", followers=15_800, volume=3, role="fast", target=137,
             topic="sjo", reply=0.85, delay=80, daytime=0.6, vp_share=0.5,
             hours="mon-fri 07:00-19:00", season="winter"),
        # -- the three that answered every visitor post of the study month --
        dict(key="sva", name="Statens veterinärmedicinska anstalt",
             agency="Statens veterinärmedicinska anstalt", sector="Hälsa och livsmedel",
             followers=9_700, volume=2.2, role="perfect", topic="djur", reply=0.97, delay=150,
             vp_share=0.6),
        dict(key="sol", name="Sol", agency="Strålsäkerhetsmyndigheten",
             sector="Hälsa och livsmedel", followers=3_900, volume=1.8, role="perfect",
             topic="sol", reply=0.97, delay=120, vp_share=0.6, season="summer"),
        dict(key="ud_resklar", name="UD Resklar", agency="Utrikesdepartementet",
             sector="Utrikes", followers=31_000, volume=7, role="perfect", topic="resa",
             reply=0.96, delay=90, hours="mon-fri 08:00-17:00", vp_share=0.45,
             season="travel"),
        # -- open walls nobody answers --
        dict(key="lantmateriet", name="Lantmäteriet", agency="Lantmäteriet",
             sector="Samhällsbyggnad", followers=14_000, volume=4, role="silent"),
        dict(key="boverket", name="Boverket", agency="Boverket", sector="Samhällsbyggnad",
             followers=6_200, volume=2, role="silent"),
        dict(key="sfv", name="Statens fastighetsverk", agency="Statens fastighetsverk",
             sector="Kultur", followers=8_900, volume=1.5, role="silent"),
        dict(key="raa", name="Riksantikvarieämbetet", agency="Riksantikvarieämbetet",
             sector="Kultur", followers=7_400, volume=1.2, role="silent"),
        dict(key="energimyndigheten", name="Energimyndigheten", agency="Energimyndigheten",
             sector="Miljö och energi", followers=9_800, volume=2, role="silent"),
        dict(key="jordbruksverket", name="Jordbruksverket", agency="Jordbruksverket",
             sector="Miljö och energi", followers=11_000, volume=2.5, role="silent"),
        dict(key="skogsstyrelsen", name="Skogsstyrelsen", agency="Skogsstyrelsen",
             sector="Miljö och energi", followers=5_600, volume=1.2, role="silent"),
        dict(key="nrm", name="Naturhistoriska riksmuseet", agency="Naturhistoriska riksmuseet",
             sector="Kultur", followers=21_000, volume=2, role="silent"),
        _company(key="sveaskog", name="Sveaskog", agency="Sveaskog", followers=6_800, volume=1,
                 role="silent"),
        dict(key="svk", name="Svenska kraftnät", agency="Svenska kraftnät",
             sector="Miljö och energi", followers=5_100, volume=0.8, role="silent"),
        dict(key="ssc", name="Statens servicecenter", agency="Statens servicecenter",
             sector="Samhällsbyggnad", followers=2_300, volume=0.6, role="silent"),
        # -- closed walls: comments under the page's own posts only --
        dict(key="skv", name="Skatteverket", agency="Skatteverket", sector="Skatt",
             followers=95_000, volume=30, role="closed", topic="skatt", reply=0.8, delay=120),
        dict(key="polisen_sthlm", name="Polisen Stockholm", agency="Polisen",
             sector="Rättsväsende", followers=128_000, volume=25, role="closed", topic="polis",
             reply=0.4, delay=200, hours="mon-fri 07:00-19:00; sat-sun 10:00-16:00", sla=240),
        dict(key="farjerederiet", name="Trafikverket Färjerederiet", agency="Trafikverket",
             sector="Transport", followers=9_000, volume=3, role="closed", topic="vag",
             reply=0.6, delay=120, hours="mon-fri 07:00-18:00"),
        dict(key="krisinformation", name="Krisinformation.se",
             agency="Myndigheten för samhällsskydd och beredskap",
             sector="Krisberedskap och säkerhet", followers=76_000, volume=20, role="closed",
             reply=0.5, delay=90, hours="mon-sun 07:00-21:00", sla=60),
        dict(key="msb", name="MSB – Myndigheten för samhällsskydd och beredskap",
             agency="Myndigheten för samhällsskydd och beredskap",
             sector="Krisberedskap och säkerhet", followers=18_000, volume=3, role="closed",
             reply=0.5, delay=240),
        dict(key="smhi", name="SMHI", agency="SMHI", sector="Miljö och energi",
             followers=110_000, volume=28, role="closed", reply=0.45, delay=120,
             season="winter"),
        dict(key="fohm", name="Folkhälsomyndigheten", agency="Folkhälsomyndigheten",
             sector="Hälsa och livsmedel", followers=41_000, volume=10, role="closed",
             reply=0.6, delay=240, sla=480),
        dict(key="naturvardsverket", name="Naturvårdsverket", agency="Naturvårdsverket",
             sector="Miljö och energi", followers=27_000, volume=4, role="closed", reply=0.5,
             delay=300, sla=480),
        dict(key="socialstyrelsen", name="Socialstyrelsen", agency="Socialstyrelsen",
             sector="Hälsa och livsmedel", followers=22_000, volume=5, role="closed", reply=0.5,
             delay=300, sla=480),
        dict(key="skolverket", name="Skolverket", agency="Skolverket",
             sector="Arbete och utbildning", followers=28_000, volume=6, role="closed",
             reply=0.55, delay=240, sla=480),
        dict(key="antagning", name="Antagning.se", agency="Universitets- och högskolerådet",
             sector="Arbete och utbildning", followers=64_000, volume=14, role="closed",
             reply=0.75, delay=90, season="students"),
        dict(key="scb", name="Statistiska centralbyrån", agency="Statistiska centralbyrån",
             sector="Samhällsbyggnad", followers=24_000, volume=3, role="closed", reply=0.6,
             delay=240, sla=480),
        dict(key="tullverket", name="Tullverket", agency="Tullverket", sector="Rättsväsende",
             followers=19_000, volume=4, role="closed", reply=0.6, delay=200, sla=480),
        dict(key="kriminalvarden", name="Kriminalvården", agency="Kriminalvården",
             sector="Rättsväsende", followers=14_000, volume=3, role="closed", reply=0.3,
             delay=400, sla=480),
        dict(key="domstolar", name="Sveriges Domstolar", agency="Domstolsverket",
             sector="Rättsväsende", followers=9_500, volume=2, role="closed", reply=0.4,
             delay=400, sla=480),
        dict(key="aklagare", name="Åklagarmyndigheten", agency="Åklagarmyndigheten",
             sector="Rättsväsende", followers=8_000, volume=1.5, role="closed", reply=0.3,
             delay=400, sla=480),
        dict(key="kustbevakningen", name="Kustbevakningen", agency="Kustbevakningen",
             sector="Krisberedskap och säkerhet", followers=26_000, volume=3, role="closed",
             reply=0.5, delay=240, sla=480),
        dict(key="forsvarsmakten", name="Försvarsmakten", agency="Försvarsmakten",
             sector="Krisberedskap och säkerhet", followers=290_000, volume=22, role="closed",
             reply=0.35, delay=240, sla=480),
        dict(key="lakemedelsverket", name="Läkemedelsverket", agency="Läkemedelsverket",
             sector="Hälsa och livsmedel", followers=12_000, volume=3, role="closed", reply=0.6,
             delay=240, sla=480),
        dict(key="av", name="Arbetsmiljöverket", agency="Arbetsmiljöverket",
             sector="Arbete och utbildning", followers=13_000, volume=2.5, role="closed",
             reply=0.55, delay=300, sla=480),
        dict(key="hav", name="Havs- och vattenmyndigheten", agency="Havs- och vattenmyndigheten",
             sector="Miljö och energi", followers=9_300, volume=1.5, role="closed", reply=0.5,
             delay=300, sla=480),
        dict(key="tillvaxtverket", name="Tillväxtverket", agency="Tillväxtverket",
             sector="Näringsliv och konsument", followers=8_400, volume=1.2, role="closed",
             reply=0.5, delay=300, sla=480),
        dict(key="vinnova", name="Vinnova", agency="Vinnova", sector="Näringsliv och konsument",
             followers=7_600, volume=0.8, role="closed", reply=0.5, delay=300, sla=480),
        dict(key="kb", name="Kungliga biblioteket", agency="Kungliga biblioteket",
             sector="Kultur", followers=11_000, volume=1, role="closed", reply=0.6, delay=240,
             sla=480),
        dict(key="nationalmuseum", name="Nationalmuseum", agency="Nationalmuseum",
             sector="Kultur", followers=36_000, volume=2.5, role="closed", reply=0.5, delay=240,
             sla=480),
        _company(key="swedavia", name="Swedavia", agency="Swedavia", followers=45_000,
                 volume=8, role="closed", topic="resa", reply=0.7, delay=90,
                 hours="mon-sun 07:00-21:00", season="travel"),
        _company(key="lkab", name="LKAB", agency="LKAB", followers=17_000, volume=1.5,
                 role="closed", reply=0.4, delay=300, sla=480),
        _company(key="apoteket", name="Apoteket", agency="Apoteket", followers=88_000,
                 volume=7, role="closed", reply=0.8, delay=90),
        _company(key="svenska_spel", name="Svenska Spel", agency="Svenska Spel",
                 followers=160_000, volume=10, role="closed", topic="lotteri", reply=0.75,
                 delay=90, hours="mon-sun 09:00-21:00"),
        dict(key="kronofogden", name="Kronofogden", agency="Kronofogden",
             sector="Näringsliv och konsument", followers=16_000, volume=5, role="closed",
             reply=0.6, delay=240, sla=480),
        dict(key="bolagsverket", name="Bolagsverket", agency="Bolagsverket",
             sector="Näringsliv och konsument", followers=12_000, volume=3, role="closed",
             reply=0.6, delay=240, sla=480),
        dict(key="kemi", name="Kemikalieinspektionen", agency="Kemikalieinspektionen",
             sector="Miljö och energi", followers=4_500, volume=0.7, role="closed", reply=0.5,
             delay=300, sla=480),
        _company(key="samhall", name="Samhall", agency="Samhall", followers=14_000,
                 volume=1.2, role="closed", reply=0.5, delay=300, sla=480),
    )
)  # fmt: skip
PAGE_IDS = tuple(str(181_000_000_000_000 + 7_919_003 * (i + 1)) for i in range(len(PAGES)))
PAGE_KEYS = {spec.key: i for i, spec in enumerate(PAGES)}


def page_id(key: str) -> str:
    """The demo page id of a page key ("pension", "fk_foralder", …)."""
    return PAGE_IDS[PAGE_KEYS[key]]


# visitor posts each open wall gets in the study month at least, by role
JANUARY_FLOOR = {"silent": 2, "perfect": 12, "fast": 5, "answers": 4}
SLOWER_THAN = 150.0  # every page but the planted three has a study-month median above this
AUTHORS_PER_PAGE = 1_000_000  # visitor ids of page i are 100_000_000 + i * this + …


# -- text -----------------------------------------------------------------------------------------


def _luhn_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def _planted_pii() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Personnummer (valid Luhn), phone numbers and e-mail addresses planted in messages.

    The same for every seed (a generator of their own), so tests can look for each one in
    storage. Personnummer come in the four written forms (YYMMDD-NNNC, YYYYMMDD-NNNC and both
    without the dash); phone numbers as mobile, international, Stockholm and Gothenburg numbers."""
    rng = np.random.default_rng(4711)
    pnr_forms = ("{yy}{md}-{tail}", "{yyyy}{md}-{tail}", "{yy}{md}{tail}", "{yyyy}{md}{tail}")
    phone_forms = (
        "07{a}-{d[0]}{d[1]}{d[2]} {d[3]}{d[4]} {d[5]}{d[6]}",
        "+46 7{a} {d[0]}{d[1]}{d[2]} {d[3]}{d[4]} {d[5]}{d[6]}",
        "08-{d[0]}{d[1]}{d[2]} {d[3]}{d[4]}{d[5]} {d[6]}{d[7]}",
        "031-{d[0]}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]}",
    )
    first = ("anna", "erik", "maria", "lars", "karin", "johan", "sara", "mohammed", "elin",
             "ali", "lena", "nils")  # fmt: skip
    last = ("andersson", "johansson", "karlsson", "nilsson", "eriksson", "larsson", "hassan",
            "olsson")  # fmt: skip
    domains = ("example.com", "example.org", "example.net", "mail.example.se")
    pnr, phones, emails = [], [], []
    for i in range(24):
        year = int(rng.integers(1940, 2006))
        md = f"{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}"
        serial = f"{int(rng.integers(1000)):03d}"
        tail = serial + str(_luhn_digit(f"{year % 100:02d}{md}{serial}"))
        pnr.append(pnr_forms[i % 4].format(yy=f"{year % 100:02d}", yyyy=year, md=md, tail=tail))
        digits = [str(x) for x in rng.integers(0, 10, 8)]
        phones.append(phone_forms[i % 4].format(a="0236"[i // 4 % 4], d=digits))
        name = f"{first[int(rng.integers(len(first)))]}.{last[int(rng.integers(len(last)))]}"
        emails.append(f"{name}{int(rng.integers(10, 99))}@{domains[i % 4]}")
    return tuple(pnr), tuple(phones), tuple(emails)


PLANTED_PERSONNUMMER, PLANTED_PHONES, PLANTED_EMAILS = _planted_pii()

OPENINGS = ("", "Hej! ", "Hejsan! ", "Hallå! ", "God morgon! ")
OPENING_P = (0.5, 0.3, 0.1, 0.06, 0.04)
CLOSINGS = ("", " Tack på förhand!", " 🙏", " 😊", " Mvh", " Tacksam för svar.", " 😕")
CLOSING_P = (0.5, 0.15, 0.1, 0.08, 0.07, 0.05, 0.05)
ALIASES = ("", " /Anna", " /Lisa", " /Johan", " /Maria", " /Erik", " /Sara", " /Karin",
           " /Mikael", " /Emma", " /Ida", " /Helena", " /Ahmed")  # fmt: skip

GENERIC_QUESTIONS = (
    "Hur lång är handläggningstiden just nu?",
    "Varför har jag inte fått något svar på mitt ärende?",
    "Kan man boka tid på ert kontor?",
    "Var hittar jag blanketten?",
    "Jag skickade in mina papper för tre veckor sedan, vad händer nu?",
    "Går det att ändra uppgifterna i efterhand?",
    "Finns informationen på engelska?",
    "Vilket nummer ska jag ringa för att nå en handläggare?",
    "E-tjänsten fungerar inte, är det fel hos er?",
    "Jag undrar hur jag loggar in med Mobilt BankID?",
    "Varför tar det så lång tid?? 😩",
    "Vem kan jag prata med om mitt beslut?",
)
GENERIC_STATEMENTS = (
    "Jag har väntat i telefonkön i 45 minuter nu 😡",
    "Bra information, tack!",
    "Äntligen fungerar e-tjänsten 👍",
    "Det här borde ni ha informerat om tidigare.",
    "Jag har skickat in allt nu.",
    "Sämsta servicen någonsin.",
    "Bra att ni finns här på Facebook 😊",
    "Ni svarar aldrig i telefon.",
    "Hoppas det löser sig snart.",
    "Helt obegripligt beslut 🙄",
)
THANKS = ("Tack för hjälpen!", "Tack så mycket 🙏", "Tack! 😊", "Superbra, tack!",
          "Tack för snabbt svar 👍", "Tusen tack ❤️")  # fmt: skip
TOPIC_QUESTIONS: dict[str, tuple[str, ...]] = {
    "generic": (),
    "foralder": (
        "Hur många dagar har jag kvar av föräldrapenningen?",
        "Kan pappan ta ut dagar samtidigt som jag?",
        "Hur anmäler jag vab när barnet är sjukt?",
        "Vad gäller för dubbeldagar första året?",
        "Kan jag ta ut föräldrapenning på helgen också?",
        "Hur räknas sjukpenninggrundande inkomst ut när man studerat?",
        "Gäller graviditetspenning om jag är egenföretagare?",
        "Måste jag anmäla vab samma dag?",
    ),
    "payout": (
        "När kommer pengarna?",
        "När kommer pengarna den här månaden?",
        "Har utbetalningen gått ut? Syns inget på kontot",
        "Vilket datum kommer utbetalningen?",
        "Varför har jag inte fått pengarna än? Ansökte i tid",
        "Kommer pengarna före helgen?",
    ),
    "bostadsbidrag": (
        "Hur räknar ni ut bostadsbidraget?",
        "Måste jag betala tillbaka om jag tjänat mer än jag trodde?",
        "Kan jag få bostadsbidrag fast jag studerar?",
        "Räknas barnens inkomster in i bostadsbidraget?",
        "Hur anmäler jag ändrad inkomst?",
        "Vad händer med bidraget om vi flyttar isär?",
    ),
    "sprak": (
        "How do I apply for parental benefit?",
        "Can I get housing allowance if I just moved to Sweden?",
        "كيف يمكنني التقديم على تعويض الوالدين؟",
        "هل يمكنني الحصول على المساعدة باللغة العربية؟",
        "Sideen u codsadaa lacagta waalidka?",
        "Jak złożyć wniosek o zasiłek rodzicielski?",
        "چگونه می‌توانم برای کمک هزینه والدین درخواست بدهم؟",
    ),
    "pension": (
        "Hur mycket får jag i pension om jag går vid 63?",
        "När kommer det orange kuvertet?",
        "Kan jag jobba och ta ut pension samtidigt?",
        "Hur ansöker jag om bostadstillägg?",
        "Varför har min pension sänkts?",
        "Hur byter jag fonder i premiepensionen?",
        "Kan jag få efterlevandepension efter min man?",
    ),
    "deklaration": (
        "Måste jag deklarera om jag bara har lön?",
        "Hur gör jag avdrag för resor till jobbet?",
        "När kommer skatteåterbäringen?",
        "Jag har sålt min bostadsrätt, hur redovisar jag det?",
        "Kan jag få anstånd med deklarationen?",
        "Hur gör jag rotavdrag för arbetet i köket?",
        "Har ni fått min deklaration? Jag skickade den via appen",
        "Vad gäller för uthyrning av ett rum i villan?",
        "Min deklaration har inte kommit, vad gör jag?",
    ),
    "skatt": (
        "Hur anmäler jag flytt?",
        "Hur lång tid tar det att få ett personbevis?",
        "Hur beställer jag id-kort?",
        "Jag ska flytta utomlands, hur anmäler jag det?",
    ),
    "polis": (
        "Hur anmäler jag en cykelstöld?",
        "Var kan jag förnya mitt pass?",
        "Hur lång tid tar det att få passet?",
        "Vad gäller för att flyga drönare i stan?",
        "Jag har hittat en plånbok, var lämnar jag den?",
        "Vad var det för blåljus vid torget i går kväll?",
    ),
    "vag": (
        "När plogas vägen mot fjället?",
        "Varför står tågen stilla vid Stockholm C?",
        "När öppnar bron igen efter olyckan?",
        "Går färjan som vanligt i morgon?",
    ),
    "arbete": (
        "Hur skriver jag in mig som arbetssökande?",
        "Min handläggare svarar inte, vad gör jag?",
        "Hur fyller jag i aktivitetsrapporten?",
        "Kan jag plugga och samtidigt vara inskriven?",
    ),
    "studier": (
        "Hur mycket får jag tjäna och ha kvar studiemedlet?",
        "När betalas studiemedlen ut i januari?",
        "Kan jag få anstånd med återbetalningen?",
        "Varför har jag fått ett återkrav?",
    ),
    "fordon": (
        "Hur bokar jag förarprov?",
        "När kommer mitt körkort?",
        "Hur ställer jag av min bil?",
        "Vad gäller för trängselskatt i Göteborg?",
    ),
    "migration": (
        "Hur lång är väntetiden för uppehållstillstånd?",
        "Kan jag resa medan jag väntar på beslut?",
        "Hur förlänger jag mitt arbetstillstånd?",
        "Varför har min ansökan inte handlagts efter ett år?",
    ),
    "mat": (
        "Är det farligt att äta ris varje dag?",
        "Hur länge håller tinad kyckling i kylen?",
        "Vad gäller för att sälja hembakat på marknad?",
    ),
    "konsument": (
        "Hur reklamerar jag en trasig telefon?",
        "Får butiken neka mig att returnera varan?",
        "Vad gäller för ångerrätt vid köp på nätet?",
    ),
    "tag": (
        "Mitt tåg blev försenat, hur får jag ersättning?",
        "Varför fungerar inte wifi ombord?",
        "Kan jag ta med hunden på tåget?",
        "Hur avbokar jag min biljett?",
        "Varför är det så kallt i vagn 5?",
    ),
    "system": (
        "Har butiken i Gävle öppet på midsommarafton?",
        "Kan jag beställa vin till min närmaste butik?",
        "Säljer ni alkoholfritt bubbel?",
        "Varför finns inte mitt favoritvin kvar i sortimentet?",
    ),
    "post": (
        "Var är mitt paket?",
        "Paketet skulle ha kommit i går men inget har hänt, varför?",
        "Varför fick jag en avi när jag var hemma hela dagen?",
        "Hur lång tid tar ett brev till Finland?",
        "Kan någon annan hämta ut mitt paket?",
    ),
    "el": (
        "Strömmen har gått i hela kvarteret, vet ni när den är tillbaka?",
        "Hur byter jag elavtal?",
        "Varför är fakturan så hög i januari?",
    ),
    "lotteri": (
        "Är det lagligt att ha lotteri på skolavslutningen?",
        "Behöver vår förening tillstånd för bingo?",
        "Är spelsajter utan svensk licens olagliga?",
        "Hur anmäler jag ett bolag som spammar med spelreklam?",
    ),
    "sjo": (
        "Var hittar jag aktuella sjökort för Vänern?",
        "Är farleden till Luleå öppen trots isen?",
        "Varför lyser inte fyren vid Landsort?",
        "Behöver jag förarbevis för att köra båt?",
    ),
    "djur": (
        "Min hund har fått fästingar, ska jag oroa mig?",
        "Finns det fågelinfluensa i Skåne nu?",
        "Hur skickar jag in prover från min häst?",
        "Kan katter bli smittade av fågelinfluensa?",
    ),
    "sol": (
        "Vilken solskyddsfaktor behöver barn?",
        "Är solarium farligt?",
        "Hur högt är UV-index i fjällen på sportlovet?",
        "Behöver man solkräm när det är molnigt?",
    ),
    "resa": (
        "Avråder ni från resor till Turkiet nu?",
        "Vad gör jag om jag förlorat passet utomlands?",
        "Behöver jag visum till Thailand?",
        "Måste jag registrera mig hos ambassaden?",
    ),
}
TOPIC_STATEMENTS: dict[str, tuple[str, ...]] = {
    "foralder": ("Tvillingföräldrar borde få fler dagar.", "Vab-anmälan i appen är toppen 👍"),
    "pension": ("Pensionerna är för låga i det här landet.", "Det orange kuvertet kom i dag."),
    "deklaration": ("Deklarerade på två minuter i appen 👍", "Er e-tjänst hänger sig hela tiden."),
    "post": ("Paketet kom till slut, tack.", "Tredje gången paketet hamnar fel 😡"),
    "tag": ("Försenade igen 😡", "Trevlig personal på tåget till Göteborg i dag!"),
    "sprak": ("Thank you for the information.", "شكرا جزيلا"),
}
PII_TEMPLATES = (
    ("pnr", "Mitt personnummer är {}, kan ni kolla varför det dröjer?"),
    ("pnr", "Ärendet gäller {}. När får jag beslut?"),
    ("pnr", "Min dotter har personnummer {}, har ni fått hennes ansökan?"),
    ("phone", "Ring mig på {} så förklarar jag."),
    ("phone", "Jag kommer inte fram, nå mig på {} efter kl 17"),
    ("email", "Kan ni mejla mig på {}? Jag har inget BankID."),
    ("email", "Skicka gärna svaret till {} tack"),
)
STORM = (
    "Skandal! Såg just inslaget på TV4. Skäms Pensionsmyndigheten!",
    "Efterlevandestöd till vem som helst men inte till oss som jobbat hela livet 😡",
    "Hur kan ni betala ut efterlevandestöd utan att kontrollera åldern?",
    "Våra pensionärer får vända på varenda krona medan ni slösar.",
    "Vem har bestämt det här? Svara!",
    "Jag skäms över den här myndigheten.",
    "Sluta censurera kommentarerna!",
    "Stämmer det som TV4 visade om efterlevandestödet?",
    "😡😡😡",
    "Ni borde avgå allihop.",
)
TWINS = (
    "Tvillingföräldrar förtjänar lika många dagar per barn! #tvillingkampanjen",
    "Två barn = dubbla dagar. Ändra reglerna nu! #tvillingkampanjen",
    "Vi tvillingföräldrar kräver rättvisa 👶👶",
    "Varför får tvillingföräldrar färre dagar per barn?",
    "Skriv under uppropet för tvillingföräldrar!",
)
CRASH = (
    "E-tjänsten fungerar inte! Sista dagen i dag!!",
    "Jag får felmeddelande när jag försöker skicka in 😩",
    "Går det att lämna in i morgon i stället när sidan ligger nere?",
    "Hur ska man kunna deklarera när ni inte har koll på er egen sajt?",
    "Sidan laddar bara och laddar…",
)
REPLY_GENERIC = (
    "Hej! Tack för din fråga. Du hittar svaret på vår webbplats under Mina sidor.",
    "Hej! Vi kan tyvärr inte svara på frågor om enskilda ärenden här. Ring oss så hjälper vi dig.",
    "Hej! Handläggningstiden är just nu cirka sex veckor.",
    "Hej, vi förstår att det är frustrerande att vänta. Vi gör vad vi kan för att korta tiderna.",
    "Hej! Skicka ett meddelande via Mina sidor så tittar en handläggare på det.",
    "Tack för ditt inlägg! Vi tar med oss dina synpunkter.",
    "Hej! Det stämmer, reglerna ändrades vid årsskiftet. Läs mer på vår webbplats.",
)
REPLY_FOLLOWUP = (
    "Hej! Kan du berätta lite mer om din situation? Har du haft inkomst från utlandet?",
    "Hej! Gäller frågan inkomståret 2016?",
    "Hej! Har du fått en deklarationsblankett hemskickad eller deklarerar du digitalt?",
    "Hej! Vi behöver veta lite mer. Är det en bostadsrätt eller ett hus?",
    "Hej! Har du sparat kvittona från arbetet?",
)
REPLY_SECOND = (
    "Hej igen! Vi har nu kollat upp det, det blir rätt som du har gjort.",
    "Tack! Då gäller det vi skrev ovan.",
    "Hej igen! Vi har skickat vidare din fråga till en handläggare.",
)
REPLY_SECOND_TAX = (
    "Tack för svaret! Då ska du fylla i det under ruta 7.1.",
    "Då behöver du ringa Skatteupplysningen, den frågan kan vi inte svara på här.",
    "Tack! Då ska du inte göra något, uppgiften är redan förifylld.",
    "Tack för förtydligandet! Då gäller reglerna för privatbostad.",
)
REPLY_STORM = (
    "Hej! Vi förstår att många reagerar på inslaget. Efterlevandestöd är ett stöd till barn vars "
    "förälder har avlidit, och reglerna beslutas av riksdagen.",
    "Hej! Vi tar bort kommentarer som hänger ut enskilda personer. Håll god ton här.",
    "Hej! Här kan du läsa mer om hur efterlevandestödet fungerar: pensionsmyndigheten.se",
)
REPLY_TWINS = (
    "Hej! Vi har tagit emot era synpunkter om föräldrapenning för tvillingar. Reglerna beslutas "
    "av riksdagen.",
)
REPLY_CRASH = (
    "Hej! Vi har haft driftstörningar i e-tjänsten i kväll. Vi ber om ursäkt!",
    "Hej! Nu fungerar e-tjänsten igen. Tack för ert tålamod.",
)
REPLY_PAYOUT = (
    "Hej! Föräldrapenningen betalas ut den 25:e, se vårt inlägg om utbetalningsdagar.",
    "Hej! Om du ansökt senast den 10:e kommer pengarna den 25:e.",
)
REPLY_PII = (
    "Hej! Ring oss gärna på {} så tittar vi på ditt ärende.",
    "Hej! Vi har skickat ett mejl till {} med mer information.",
    "Hej! Gäller det ärendet för {}? Skriv helst inte ut personnummer här, vi döljer kommentaren.",
)
REPLY_LANG = {
    "en": ("Hello! You can find information in English on our website.",
           "Hello! Please call our customer service, we can help you in English."),
    "ar": ("مرحبا! يمكنك العثور على المعلومات باللغة العربية على موقعنا.",),
    "so": ("Haye! Macluumaad ku saabsan waxaad ka heli kartaa bogga internetka.",),
    "pl": ("Dzień dobry! Informacje po polsku znajdziesz na naszej stronie.",),
    "fa": ("سلام! اطلاعات به زبان فارسی در وب‌سایت ما موجود است.",),
}  # fmt: skip
PAGE_POSTS: dict[str, tuple[str, ...]] = {
    "generic": (
        "Nu kan du göra ärendet digitalt, dygnet runt.",
        "Vi har öppet som vanligt i sommar.",
        "Visste du att du hittar svar på de vanligaste frågorna på vår webbplats?",
        "Vi finns här på Facebook vardagar 8–16. Välkommen med dina frågor!",
        "Ny rapport ute i dag – läs den på vår webbplats.",
    ),
    "foralder": (
        "Visste du att du kan spara föräldrapenningdagar tills barnet fyller 12?",
        "Vab-säsongen är här. Så anmäler du vab i appen.",
        "Från 1 januari gäller 90 dagar per förälder som inte går att överlåta.",
    ),
    "pension": (
        "Snart kommer det orange kuvertet. Så läser du det.",
        "Funderar du på att gå i pension? Gör en prognos på Min pension.",
    ),
    "deklaration": (
        "Nu kan du deklarera digitalt!",
        "Glöm inte att godkänna din deklaration innan den 2 maj.",
        "Har du sålt en bostad under året? Så redovisar du försäljningen.",
    ),
}
PAYOUT_POST = (
    "När kommer pengarna? Föräldrapenningen betalas ut den 25:e. Har du ansökt senast den 10:e "
    "kommer pengarna den här månaden."
)
TWINS_POST = "Föräldrapenning för tvillingar – så fungerar det."
DEADLINE_POST = "Sista dag att deklarera är i dag, 2 maj! Så gör du om du inte hinner."
ORANGE_POST = "Nu skickas det orange kuvertet ut. Så läser du det."


class _Texts:
    """Every distinct text, numbered; pools are arrays of numbers into it (no strings per row)."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}
        self.lang: list[str] = []

    def add(self, texts, lang: str = "sv") -> np.ndarray:
        out = []
        for t in texts:
            if t not in self._index:
                self._index[t] = len(self.values)
                self.values.append(t)
                self.lang.append(lang)
            out.append(self._index[t])
        return np.array(out, dtype=np.int64)

    def array(self) -> pa.Array:
        return pa.array(self.values, pa.string())


def _sprak_lang(text: str) -> str:
    if any("\u0600" <= ch <= "\u06ff" for ch in text):
        return "fa" if "چ" in text or "می" in text or "سلام" in text else "ar"
    if text.startswith(("Sideen", "Haye")):
        return "so"
    if text.startswith(("Jak ", "Dzień")):
        return "pl"
    return "en"


@dataclass
class _Pools:
    """Message pools as arrays of text numbers."""

    texts: _Texts = field(default_factory=_Texts)
    replies: _Texts = field(default_factory=_Texts)
    posts: _Texts = field(default_factory=_Texts)
    questions: dict[str, np.ndarray] = field(default_factory=dict)
    statements: dict[str, np.ndarray] = field(default_factory=dict)
    thanks: np.ndarray | None = None
    pii: np.ndarray | None = None
    payout: np.ndarray | None = None
    storm: np.ndarray | None = None
    twins: np.ndarray | None = None
    crash: np.ndarray | None = None
    reply_generic: np.ndarray | None = None
    reply_followup: np.ndarray | None = None
    reply_second: np.ndarray | None = None
    reply_second_tax: np.ndarray | None = None
    reply_storm: np.ndarray | None = None
    reply_twins: np.ndarray | None = None
    reply_crash: np.ndarray | None = None
    reply_payout: np.ndarray | None = None
    reply_pii: np.ndarray | None = None
    reply_lang: dict[str, np.ndarray] = field(default_factory=dict)
    text_lang: np.ndarray | None = None
    page_posts: dict[str, np.ndarray] = field(default_factory=dict)
    special_posts: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _pools() -> _Pools:
    p = _Pools()
    t = p.texts
    generic_q = t.add(GENERIC_QUESTIONS)
    generic_s = t.add(GENERIC_STATEMENTS)
    for topic, questions in TOPIC_QUESTIONS.items():
        if topic == "payout":
            continue
        if topic == "sprak":
            own = np.concatenate([t.add([q], _sprak_lang(q)) for q in questions])
            p.questions[topic] = own
        else:
            own = t.add(questions)
            # a page's own topics three times as often as the generic questions
            p.questions[topic] = (
                np.concatenate([own, own, own, generic_q]) if len(own) else generic_q
            )
    for topic in TOPIC_QUESTIONS:
        stm = TOPIC_STATEMENTS.get(topic, ())
        if topic == "sprak":
            p.statements[topic] = np.concatenate([t.add([s], _sprak_lang(s)) for s in stm])
        else:
            p.statements[topic] = np.concatenate([t.add(stm), generic_s]) if stm else generic_s
    p.thanks = t.add(THANKS)
    pii = []
    for kind, template in PII_TEMPLATES:
        values = {
            "pnr": PLANTED_PERSONNUMMER,
            "phone": PLANTED_PHONES,
            "email": PLANTED_EMAILS,
        }[kind]
        pii.extend(template.format(v) for v in values)
    p.pii = t.add(pii)
    p.payout = t.add(TOPIC_QUESTIONS["payout"])
    p.storm = t.add(STORM)
    p.twins = t.add(TWINS)
    p.crash = t.add(CRASH)
    p.text_lang = np.array(t.lang)

    r = p.replies
    p.reply_generic = r.add(REPLY_GENERIC)
    p.reply_followup = r.add(REPLY_FOLLOWUP)
    p.reply_second = r.add(REPLY_SECOND)
    p.reply_second_tax = r.add(REPLY_SECOND_TAX)
    p.reply_storm = r.add(REPLY_STORM)
    p.reply_twins = r.add(REPLY_TWINS)
    p.reply_crash = r.add(REPLY_CRASH)
    p.reply_payout = r.add(REPLY_PAYOUT)
    values = PLANTED_PHONES + PLANTED_EMAILS + PLANTED_PERSONNUMMER
    p.reply_pii = r.add(
        [REPLY_PII[0].format(v) for v in PLANTED_PHONES]
        + [REPLY_PII[1].format(v) for v in PLANTED_EMAILS]
        + [REPLY_PII[2].format(v) for v in PLANTED_PERSONNUMMER]
    )
    assert len(p.reply_pii) == len(values)
    for lang, texts in REPLY_LANG.items():
        p.reply_lang[lang] = r.add(texts, lang)

    s = p.posts
    for topic, texts in PAGE_POSTS.items():
        p.page_posts[topic] = s.add(texts)
    p.special_posts = {
        "payout": int(s.add([PAYOUT_POST])[0]),
        "twins": int(s.add([TWINS_POST])[0]),
        "deadline": int(s.add([DEADLINE_POST])[0]),
        "orange": int(s.add([ORANGE_POST])[0]),
    }
    return p


# -- time -----------------------------------------------------------------------------------------


def _us(local: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return int(local.timestamp()) * US


def _local_us(day: date, hour: int, minute: int = 0) -> int:
    return _us(datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM))


@dataclass(frozen=True)
class _Grid:
    """The year as 365 local days × 24 local hours ("cells")."""

    cell_us: np.ndarray  # UTC µs of each local hour's start, shape (DAYS * 24,)
    weekday: np.ndarray  # per day, 0 = Monday
    month: np.ndarray
    dom: np.ndarray
    closed: np.ndarray  # Swedish public holiday or eve
    days: tuple[date, ...]

    def day_index(self, d: date) -> int:
        return (d - FIRST_DAY).days


@lru_cache(maxsize=1)
def _grid() -> _Grid:
    days = tuple(FIRST_DAY + timedelta(days=i) for i in range(DAYS))
    cell = np.array([_local_us(d, h) for d in days for h in range(24)], dtype=np.int64)
    return _Grid(
        cell_us=cell,
        weekday=np.array([d.weekday() for d in days]),
        month=np.array([d.month for d in days]),
        dom=np.array([d.day for d in days]),
        closed=np.array([d in closed_days(d.year) for d in days]),
        days=days,
    )


# Visitors' hours (local): busy daytime, busiest in the evening, quiet at night.
VISITOR_HOURS_WEEKDAY = np.array(
    [0.25, 0.12, 0.07, 0.05, 0.05, 0.12, 0.35, 0.75, 1.0, 1.05, 1.05, 1.05,
     1.1, 1.05, 1.0, 1.0, 1.05, 1.15, 1.3, 1.5, 1.7, 1.75, 1.45, 0.8]
)  # fmt: skip
VISITOR_HOURS_WEEKEND = np.array(
    [0.45, 0.25, 0.12, 0.07, 0.05, 0.07, 0.15, 0.35, 0.65, 0.95, 1.15, 1.2,
     1.2, 1.15, 1.1, 1.1, 1.1, 1.15, 1.25, 1.45, 1.65, 1.7, 1.4, 0.85]
)  # fmt: skip
OFFICE_HOURS = np.array([0.0] * 7 + [0.4] + [1.5] * 8 + [0.4] + [0.0] * 7)
VISITOR_WEEKDAYS = np.array([1.15, 1.05, 1.0, 1.0, 0.92, 0.75, 0.9])
OFFICE_WEEKDAYS = np.array([1.1, 1.0, 1.0, 1.0, 0.95, 0.08, 0.08])


def _season(grid: _Grid, season: str) -> np.ndarray:
    """Relative volume per day of the year."""
    m, dom = grid.month, grid.dom
    w = np.ones(DAYS)
    w[m == 7] = 0.75  # summer holidays
    holidays = ((m == 12) & (dom >= 23)) | ((m == 1) & (dom <= 6))
    w[holidays] *= 0.6
    if season == "tax":
        monthly = {7: 0.25, 8: 0.2, 9: 0.2, 10: 0.2, 11: 0.25, 12: 0.2, 1: 0.35, 2: 0.6,
                   3: 1.3, 4: 2.4, 5: 0.45, 6: 0.3}  # fmt: skip
        w = np.array([monthly[int(x)] for x in m])
        w[(m == 4) & (dom >= 18)] *= 2.2  # the last fortnight before the deadline
        w[(m == 5) & (dom <= 2)] = 6.0  # 1–2 May: deadline
    elif season == "students":
        w[m == 8] *= 1.6
        w[m == 9] *= 1.3
        w[m == 1] *= 1.5
    elif season == "travel":
        w[m == 7] *= 1.8
        w[m == 6] *= 1.3
        w[m == 12] *= 1.2
    elif season == "winter":
        w[np.isin(m, (11, 12, 1, 2))] *= 1.4
    elif season == "summer":
        w *= np.array(
            [{5: 2.0, 6: 2.4, 7: 2.6, 8: 1.8, 4: 1.3, 3: 0.9}.get(int(x), 0.5) for x in m]
        )
    elif season == "pension":
        w[np.isin(m, (2, 3, 4))] *= 1.25  # the orange envelope
    return w


def _cell_weights(grid: _Grid, day_w: np.ndarray, daytime: float) -> np.ndarray:
    weekend = grid.weekday >= 5
    visitor = np.where(weekend[:, None], VISITOR_HOURS_WEEKEND, VISITOR_HOURS_WEEKDAY)
    visitor = visitor / visitor.mean() * VISITOR_WEEKDAYS[grid.weekday][:, None]
    office = OFFICE_HOURS[None, :] * OFFICE_WEEKDAYS[grid.weekday][:, None]
    office = office / office.mean()
    hours = (1 - daytime) * visitor + daytime * office
    return (day_w[:, None] * hours).ravel()


def _choice(rng: np.random.Generator, n: int, p) -> np.ndarray:
    """`n` draws of 0 … len(p)-1 with probabilities p (numpy's choice is slow for this)."""
    cdf = np.cumsum(p, dtype=np.float64)
    return np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), len(cdf) - 1)


def _sample(rng: np.random.Generator, n: int, weights: np.ndarray, grid: _Grid) -> np.ndarray:
    """`n` instants (UTC µs, whole seconds) drawn from per-cell weights, in time order.

    Sorted uniforms come from cumulated exponential spacings (no sort needed); each one's place
    inside its cell's share of the cumulative weight gives its second within the hour."""
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    cdf = np.cumsum(weights)
    spacings = np.cumsum(rng.standard_exponential(n + 1))
    u = spacings[:-1] * (cdf[-1] / spacings[-1])
    cell = np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)
    start = cdf[cell] - weights[cell]
    frac = np.clip((u - start) / np.maximum(weights[cell], 1e-300), 0.0, 0.9999)
    return grid.cell_us[cell] + (frac * 3600).astype(np.int64) * US


# -- staffed hours: reply times -------------------------------------------------------------------


@dataclass(frozen=True)
class _Staffed:
    """Open intervals (UTC µs) of one opening-hours schedule, with open time before each."""

    opens: np.ndarray
    closes: np.ndarray
    before: np.ndarray
    ends: np.ndarray  # open time up to each interval's close

    def open_before(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """F(t), open µs from the table's start up to t, and whether t is inside opening hours."""
        i = np.maximum(np.searchsorted(self.opens, t, side="right") - 1, 0)
        inside = np.minimum(t, self.closes[i]) - self.opens[i]
        return self.before[i] + np.maximum(inside, 0), (inside >= 0) & (t < self.closes[i])

    def at(self, x: np.ndarray) -> np.ndarray:
        """The instant where F reaches x (the inverse of open_before): replies land when open."""
        j = np.minimum(np.searchsorted(self.ends, x, side="right"), len(self.ends) - 1)
        return self.opens[j] + np.maximum(x - self.before[j], 0)

    def after(self, f: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """The instant `minutes` of open time after F = f, in whole seconds."""
        return self.at(f + (minutes * MIN_US).astype(np.int64)) // US * US


@lru_cache(maxsize=32)
def _staffed(spec: str) -> _Staffed:
    """The open intervals of a schedule from just before the year to well after the snapshot."""
    hours = OpeningHours.parse(spec, TIMEZONE)
    opens, closes = [], []
    day = FIRST_DAY - timedelta(days=2)
    last = AS_OF.date() + timedelta(days=120)
    while day <= last:
        if not (hours.holidays_closed and day in closed_days(day.year)):
            for a, b in hours.weekly[day.weekday()]:
                opens.append(_wall(day, a))  # local wall times: right across DST changes
                closes.append(_wall(day, b))
        day += timedelta(days=1)
    o = np.array(opens, dtype=np.int64)
    c = np.array(closes, dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(c - o)[:-1])).astype(np.int64)
    return _Staffed(o, c, before, before + (c - o))


def _wall(day: date, minute: int) -> int:
    extra, minute = divmod(minute, 1440)
    return _local_us(day + timedelta(days=extra), minute // 60, minute % 60)


# -- one page's year ------------------------------------------------------------------------------

# item categories
QUESTION, STATEMENT, THANKS_, PII, PAYOUT, STORM_, TWINS_, CRASH_ = range(8)
REGULAR_MIX = np.array([0.6, 0.24, 0.1, 0.025])  # question, statement, thanks, personal data
REPLY_WEIGHT = np.array([1.0, 0.6, 0.3, 1.0, 1.0, 0.97, 0.25, 0.5])
DELAY_WEIGHT = np.array([1.0, 1.0, 0.8, 1.0, 0.8, 3.0, 4.0, 1.5])
BACKLOG = 1.3  # items that arrive while closed wait a little longer once the page opens
PAYOUT_SHARE = 0.15  # of Försäkringskassan förälder's items: "when does the money come?"
# events at the default size; scaled with --items like everything else
TWINS_BURST, TWINS_TAIL = 500, 200  # Försäkringskassan förälder, autumn 2016: 500 in 15 minutes
STORM_ITEMS = 1000  # Pensionsmyndigheten after TV4's segment on efterlevandestöd
CRASH_ITEMS = 300  # Skatteverket's e-service on deadline evening
TWINS_AT = (date(2016, 10, 12), 19, 0)
STORM_AT = (date(2017, 3, 28), 19, 35)
CRASH_AT = (date(2017, 5, 2), 21, 0)
ANCHOR_POST = (date(2016, 6, 30), 10, 0)  # every page has a post before the year starts
NEVER = np.iinfo(np.int64).max
JANUARY = (_local_us(STUDY_MONTH[0], 0), _local_us(STUDY_MONTH[1] + timedelta(days=1), 0))


@dataclass
class _Page:
    """One page's rows as compact numpy arrays (numbers into the text pools, times in UTC µs).

    Kept for every page until the snapshot is written, so only what the tables need, narrow."""

    pp_t: np.ndarray
    pp_text: np.ndarray
    pp_num: np.ndarray
    n_vp: int  # inbound items: the first n_vp are visitor posts, then comments
    t: np.ndarray  # each part in time order
    root: np.ndarray  # visitor post: its post number; comment: its page post's number
    message: np.ndarray  # int32: (opening * texts + body) * closings + closing
    author: np.ndarray  # int32
    hidden: np.ndarray  # -1 unknown, 0, 1
    r_item: np.ndarray  # int32; replies: index into this page's items
    r_t: np.ndarray
    r_message: np.ndarray  # int32: reply text * aliases + alias
    conversation: int


def _payout_days(grid: _Grid) -> tuple[np.ndarray, list[int]]:
    """Day weights of payout questions and the day of each "När kommer pengarna?" post.

    Payout is the 25th, or the working day before; the post goes out three days earlier (a
    working day). Questions build up in the ten days before the post and drop after it."""
    w = np.full(DAYS, 0.5)
    posts = []
    for month_start in [i for i, d in enumerate(grid.days) if d.day == 1]:
        d = grid.days[month_start]
        pay = grid.day_index(date(d.year, d.month, 25))
        while grid.weekday[pay] >= 5 or grid.closed[pay]:
            pay -= 1
        post = pay - 3
        while grid.weekday[post] >= 5 or grid.closed[post]:
            post -= 1
        w[max(post - 10, 0) : post] = 3.0
        w[post : pay + 1] = 0.3
        posts.append(post)
    return w, posts


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to weights that add up to `total` exactly."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    rest = total - int(out.sum())
    order = np.argsort(-(raw - out), kind="stable")
    out[order[:rest]] += 1
    return out


def _pick(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    return pool[rng.integers(0, len(pool), n)] if n else np.zeros(0, dtype=np.int64)


def _page(
    rng: np.random.Generator, i: int, spec: PageSpec, n_items: int, scale: float, grid: _Grid
) -> _Page:
    pools = _pools()
    staffed = _staffed(spec.hours)

    # -- how many of what --
    events: dict[str, int] = {}
    if spec.key == "fk_foralder":
        events = {"twins_burst": TWINS_BURST, "twins_tail": TWINS_TAIL}
    elif spec.key == "pension":
        events = {"storm": STORM_ITEMS}
    elif spec.key == "skv_dekl":
        events = {"crash": CRASH_ITEMS}
    events = {k: round(v * scale) for k, v in events.items()}
    if sum(events.values()) > n_items // 2:  # a tiny world: events shrink with the page
        events = {k: v * (n_items // 2) // max(sum(events.values()), 1) for k, v in events.items()}
    n_reg = n_items - sum(events.values())
    n_pay = round(n_reg * PAYOUT_SHARE) if spec.key == "fk_foralder" else 0
    n_reg -= n_pay
    vp_share = spec.vp_share if spec.open_wall else 0.0

    day_w = _season(grid, spec.season) * rng.gamma(16.0, 1 / 16.0, DAYS)
    cells = _cell_weights(grid, day_w, spec.daytime)
    in_jan = (grid.cell_us >= JANUARY[0]) & (grid.cell_us < JANUARY[1])

    # -- regular items: visitor posts (with a floor in the study month) and comments --
    n_vp = round(n_reg * vp_share)
    n_vp_jan = 0
    if spec.open_wall:
        jan_share = cells[in_jan].sum() / cells.sum()
        n_vp_jan = min(max(JANUARY_FLOOR[spec.role], round(n_vp * jan_share)), n_reg)
        n_vp = max(n_vp, n_vp_jan)
    t_vp = np.concatenate(
        [
            _sample(rng, n_vp_jan, cells * in_jan, grid),
            _sample(rng, n_vp - n_vp_jan, cells * ~in_jan, grid),
        ]
    )
    t_c = _sample(rng, n_reg - n_vp, cells, grid)
    cat_vp = _choice(rng, len(t_vp), REGULAR_MIX)
    cat_c = _choice(rng, len(t_c), REGULAR_MIX)
    parts_vp = [(t_vp, cat_vp)]
    parts_c = [(t_c, cat_c)]

    special_posts: list[tuple[int, int]] = []  # (time, text)
    if spec.key == "fk_foralder":
        pay_w, post_days = _payout_days(grid)
        pay_cells = _cell_weights(grid, day_w * pay_w, spec.daytime)
        k = round(n_pay * vp_share)
        parts_vp.append((_sample(rng, k, pay_cells, grid), np.full(k, PAYOUT)))
        parts_c.append((_sample(rng, n_pay - k, pay_cells, grid), np.full(n_pay - k, PAYOUT)))
        for d in post_days:
            at = _local_us(grid.days[d], 9, 30) + int(rng.integers(0, 1800)) * US
            special_posts.append((at, pools.special_posts["payout"]))
        t0 = _local_us(*TWINS_AT)
        special_posts.append((t0 - 20 * MIN_US, pools.special_posts["twins"]))
        n_b, n_t = events["twins_burst"], events["twins_tail"]
        burst = np.sort(t0 + rng.integers(0, 900, n_b) * US)
        tail = np.sort(np.minimum(rng.exponential(2400, n_t), 6 * 3600).astype(np.int64))
        parts_c.append(
            (np.concatenate([burst, t0 + (900 + tail) * US]), np.full(n_b + n_t, TWINS_))
        )
    if spec.key == "pension":
        special_posts.append((_local_us(date(2017, 2, 20), 9, 0), pools.special_posts["orange"]))
        t0 = _local_us(*STORM_AT)
        n = events["storm"]
        st = (
            t0 + np.sort(np.minimum(rng.exponential(12 * 3600, n), 5 * 86400).astype(np.int64)) * US
        )
        is_vp = rng.random(n) < 0.25
        parts_vp.append((st[is_vp], np.full(int(is_vp.sum()), STORM_)))
        parts_c.append((st[~is_vp], np.full(int((~is_vp).sum()), STORM_)))
    if spec.key == "skv_dekl":
        special_posts.append((_local_us(date(2017, 5, 2), 8, 0), pools.special_posts["deadline"]))
        t0 = _local_us(*CRASH_AT)
        n = events["crash"]
        parts_c.append((t0 + np.sort(rng.integers(0, 900, n)) * US, np.full(n, CRASH_)))

    # each part is in time order already: a stable sort only merges the runs
    t_vp = np.concatenate([p[0] for p in parts_vp])
    cat_vp = np.concatenate([p[1] for p in parts_vp]).astype(np.int64)
    t_c = np.concatenate([p[0] for p in parts_c])
    cat_c = np.concatenate([p[1] for p in parts_c]).astype(np.int64)
    if len(parts_vp) > 1:
        o = np.argsort(t_vp, kind="stable")
        t_vp, cat_vp = t_vp[o], cat_vp[o]
    if len(parts_c) > 1:
        o = np.argsort(t_c, kind="stable")
        t_c, cat_c = t_c[o], cat_c[o]

    # -- the page's own posts: office hours on working days, a few special ones --
    n_pp = int(np.clip(round(len(t_c) / 30), 8, 520))
    office = day_w * OFFICE_WEEKDAYS[grid.weekday] * (grid.weekday < 5) * ~grid.closed
    pp_cells = (office[:, None] * OFFICE_HOURS[None, :]).ravel()
    pp_t = np.concatenate(
        [
            [_local_us(*ANCHOR_POST)],
            _sample(rng, n_pp, pp_cells, grid),
            np.array([s[0] for s in special_posts], dtype=np.int64),
        ]
    )
    topic_posts = pools.page_posts.get(spec.topic)
    post_pool = pools.page_posts["generic"]
    if topic_posts is not None:
        post_pool = np.concatenate([topic_posts, topic_posts, post_pool])
    pp_text = np.concatenate(
        [_pick(rng, post_pool, n_pp + 1), np.array([s[1] for s in special_posts], dtype=np.int64)]
    )
    o = np.argsort(pp_t, kind="stable")
    pp_t, pp_text = pp_t[o], pp_text[o]
    # page posts and visitor posts share the page's post numbers, in time order
    wall_t = np.concatenate([pp_t, t_vp])
    numbers = np.empty(len(wall_t), dtype=np.int64)
    numbers[np.argsort(wall_t, kind="stable")] = 1_000_000_000 + np.arange(len(wall_t))
    pp_num, vp_num = numbers[: len(pp_t)], numbers[len(pp_t) :]

    # comments go under the latest page post before them, some under an older one
    latest = np.searchsorted(pp_t, t_c, side="left") - 1
    back = np.where(cat_c >= STORM_, 0, rng.geometric(0.65, len(t_c)) - 1)
    parent = np.clip(latest - back, 0, None)

    # -- text --
    t_all = np.concatenate([t_vp, t_c])
    cat = np.concatenate([cat_vp, cat_c])
    n = len(t_all)
    is_vp = np.zeros(n, dtype=bool)
    is_vp[: len(t_vp)] = True
    body = np.zeros(n, dtype=np.int64)
    questions = pools.questions.get(spec.topic, pools.questions["generic"])
    statements = pools.statements.get(spec.topic, pools.statements["generic"])
    for code, pool in (
        (QUESTION, questions), (STATEMENT, statements), (THANKS_, pools.thanks), (PII, pools.pii),
        (PAYOUT, pools.payout), (STORM_, pools.storm), (TWINS_, pools.twins),
        (CRASH_, pools.crash),
    ):  # fmt: skip
        rows = np.flatnonzero(cat == code)
        body[rows] = _pick(rng, pool, len(rows))
    greet = (cat <= PII) & (spec.topic != "sprak")
    opening = np.where(greet, _choice(rng, n, OPENING_P), 0)
    closing = np.where(greet, _choice(rng, n, CLOSING_P), 0)
    closing[cat == THANKS_] = 0

    # -- visitors: a few regulars write a lot (Zipf), most write once or twice --
    pool_size = min(max(30, n_items // 8), AUTHORS_PER_PAGE)
    regular = rng.random(n) < 0.6
    zipfish = (rng.random(n) ** -1.4 - 1).astype(np.int64)  # Pareto tail, a ≈ 1.7
    author = np.where(regular, zipfish % pool_size, rng.integers(0, pool_size, n))
    author += 100_000_000 + i * AUTHORS_PER_PAGE
    hidden = np.where(is_vp, -1, 0).astype(np.int8)
    hide = ~is_vp & (
        ((cat == STORM_) & (rng.random(n) < 0.12)) | ((cat == PII) & (rng.random(n) < 0.3))
    )
    hidden[hide] = 1

    # -- page replies, in staffed hours --
    weight = np.ones(len(REPLY_WEIGHT)) if spec.key == "pension" else REPLY_WEIGHT
    p_reply = np.minimum(spec.reply * weight[cat], 1.0)
    if spec.role == "silent":
        p_reply[is_vp] = 0.0
    answered = rng.random(n) < p_reply
    f_item, is_open = staffed.open_before(t_all)
    minutes = spec.delay * np.exp(spec.sigma * rng.standard_normal(n)) * DELAY_WEIGHT[cat]
    minutes = np.maximum(np.where(is_open, minutes, minutes * BACKLOG), 1.0)
    f_first = f_item + (minutes * MIN_US).astype(np.int64)
    first = staffed.after(f_item, minutes)
    followup = rng.random(n) < spec.followup
    second = answered & np.where(followup, rng.random(n) < 0.85, rng.random(n) < 0.05)
    minutes2 = np.maximum(spec.delay * np.exp(spec.sigma * rng.standard_normal(n)), 5.0)
    second_t = np.full(n, NEVER)
    second_t[second] = staffed.after(f_first[second], minutes2[second])

    _study_month(rng, spec, t_all, is_vp, answered, first, second_t)

    as_of = _us(AS_OF)
    r1 = np.flatnonzero(answered & (first < as_of))  # an export holds no later reply
    r2 = np.flatnonzero(answered & (second_t < as_of))

    # -- reply texts (only for the replies there are) --
    text = _pick(rng, pools.reply_generic, len(r1))
    r_cat = cat[r1]
    for code, pool in (
        (PAYOUT, pools.reply_payout), (STORM_, pools.reply_storm), (TWINS_, pools.reply_twins),
        (CRASH_, pools.reply_crash),
    ):  # fmt: skip
        rows = np.flatnonzero(r_cat == code)
        text[rows] = _pick(rng, pool, len(rows))
    rows = np.flatnonzero(followup[r1])
    text[rows] = _pick(rng, pools.reply_followup, len(rows))
    rows = np.flatnonzero(rng.random(len(r1)) < 0.02)
    text[rows] = _pick(rng, pools.reply_pii, len(rows))
    alias = np.where(rng.random(len(r1)) < 0.7, rng.integers(1, len(ALIASES), len(r1)), 0)
    if spec.topic == "sprak":
        lang = pools.text_lang[body[r1]]
        for code, pool in pools.reply_lang.items():
            rows = np.flatnonzero(lang == code)
            text[rows] = _pick(rng, pool, len(rows))
            alias[rows] = 0
    text2 = _pick(
        rng, pools.reply_second_tax if spec.followup >= 0.5 else pools.reply_second, len(r2)
    )
    alias2 = np.where(rng.random(len(r2)) < 0.7, rng.integers(1, len(ALIASES), len(r2)), 0)
    conversation = int(rng.poisson(0.8, int(is_vp.sum())).sum())
    n_texts, n_closings, n_aliases = len(pools.texts.values), len(CLOSINGS), len(ALIASES)
    return _Page(
        pp_t=pp_t,
        pp_text=pp_text,
        pp_num=pp_num,
        n_vp=len(t_vp),
        t=t_all,
        root=np.concatenate([vp_num, pp_num[parent]]).astype(np.int64),
        message=((opening * n_texts + body) * n_closings + closing).astype(np.int32),
        author=author.astype(np.int32),
        hidden=hidden,
        r_item=np.concatenate([r1, r2]).astype(np.int32),
        r_t=np.concatenate([first[r1], second_t[r2]]),
        r_message=(
            np.concatenate([text, text2]) * n_aliases + np.concatenate([alias, alias2])
        ).astype(np.int32),
        conversation=conversation,
    )


def _study_month(
    rng: np.random.Generator,
    spec: PageSpec,
    t: np.ndarray,
    is_vp: np.ndarray,
    answered: np.ndarray,
    first: np.ndarray,
    second_t: np.ndarray,
) -> None:
    """Make the study month's visitor posts tell the article's story (arrays edited in place).

    Silent walls answer none (already so); "perfect" pages answer every one; every other open
    wall answers some but not all. The three fastest get their published median exactly (an odd
    number of timed replies, the middle one at `target` minutes); every other page stays slower
    than SLOWER_THAN minutes."""
    if not spec.open_wall or spec.role == "silent":
        return
    jan = np.flatnonzero(is_vp & (t >= JANUARY[0]) & (t < JANUARY[1]))
    if len(jan) == 0:
        return
    if spec.role == "perfect":
        answered[jan] = True
    elif len(jan) >= 2:
        if answered[jan].all():
            answered[rng.choice(jan)] = False
        if not answered[jan].any():
            answered[rng.choice(jan)] = True
    timed = jan[answered[jan]]
    if spec.role == "fast" and len(timed) % 2 == 0 and len(timed) >= 2:
        answered[rng.choice(timed)] = False
        timed = jan[answered[jan]]
    if len(timed) == 0:
        return
    delay = first[timed] - t[timed]
    order = np.argsort(delay, kind="stable")
    mid = len(timed) // 2
    ranked = delay[order]
    if spec.role == "fast":
        goal = spec.target * MIN_US
        ranked = (ranked * (goal / max(int(ranked[mid]), 1))).astype(np.int64) // US * US
        ranked = np.maximum(ranked, 60 * US)
        ranked[:mid] = np.minimum(ranked[:mid], goal)
        ranked[mid] = goal
        ranked[mid + 1 :] = np.maximum(ranked[mid + 1 :], goal)
    elif np.median(ranked) <= SLOWER_THAN * MIN_US:
        factor = SLOWER_THAN * 1.25 * MIN_US / max(float(np.median(ranked)), 1.0)
        ranked = (ranked * factor).astype(np.int64) // US * US
    else:
        return
    new = np.empty_like(delay)
    new[order] = ranked
    shift = new - delay
    first[timed] += shift
    later = second_t[timed] < NEVER
    second_t[timed[later]] += shift[later]


# -- the world ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoWorld:
    """Raw tables as an export parser would hand them to `storage.write_snapshot`."""

    pages: pa.Table
    posts: pa.Table
    replies: pa.Table
    registry: list[PageEntry]
    conversation: int


def registry_entries() -> list[PageEntry]:
    """The demo's page registry: agency, sector, open wall, opening hours and goal per page."""
    return [
        PageEntry(
            page_id=pid,
            page_name=spec.name,
            agency=spec.agency,
            sector=spec.sector,
            accepts_visitor_posts=spec.open_wall,
            opening_hours=spec.hours,
            timezone=TIMEZONE,
            sla_minutes=spec.sla,
        )
        for pid, spec in zip(PAGE_IDS, PAGES, strict=True)
    ]


def _digits(values: np.ndarray, width: int) -> list[np.ndarray]:
    """Zero-padded decimal digits of numbers, as byte chunks of up to five digits (by lookup)."""
    v = np.asarray(values, dtype=np.int64)
    chunks = []
    while width > 0:
        k = min(5, width)
        chunks.append(np.take(_digit_table(k), v % 10**k))
        v = v // 10**k
        width -= k
    return chunks[::-1]


@lru_cache(maxsize=8)
def _digit_table(k: int) -> np.ndarray:
    """b"00…0" … b"99…9" (k digits) as fixed-size byte strings."""
    return np.array([f"{i:0{k}d}".encode() for i in range(10**k)], dtype=f"S{k}").view(f"V{k}")


def _fixed(n: int, *parts) -> pa.Array:
    """A string column whose rows all have the same width, assembled as bytes in numpy.

    Each part is a literal (str), an array of fixed-size byte strings (numpy void dtype, one
    per row) or a list of such arrays (`_digits`). The parts are the fields of one packed
    structured array, whose bytes become the Arrow column's data."""
    fields: list[np.ndarray | np.void] = []
    for part in parts:
        if isinstance(part, str):
            fields.append(np.void(part.encode()))
        elif isinstance(part, list):
            fields.extend(part)
        else:
            fields.append(part)
    sizes = [f.dtype.itemsize for f in fields]
    width = sum(sizes)
    if n * width >= 2**31:
        raise InputError("--items", "too many items for one demo snapshot")
    dtype = np.dtype(
        {
            "names": [f"f{i}" for i in range(len(fields))],
            "formats": [f"V{k}" for k in sizes],
            "offsets": np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int).tolist(),
            "itemsize": width,
        }
    )
    rows = np.empty(n, dtype)
    for i, value in enumerate(fields):
        rows[f"f{i}"] = value
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = rows.view(np.uint8)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _ts(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.int64()).cast(pa.timestamp("us", tz="UTC"))


def _texts(dictionary: list[str], index: np.ndarray) -> pa.Array:
    return _take(pa.array(dictionary, pa.string()), index)


def _take(dictionary: pa.Array, index: np.ndarray) -> pa.Array:
    return pc.take(dictionary, pa.array(index, pa.int64()))


@lru_cache(maxsize=1)
def _combinations() -> tuple[list[str], list[str]]:
    """Every opening + text + closing a visitor can write, and every reply + signature."""
    pools = _pools()
    visitor = [o + t + c for o in OPENINGS for t in pools.texts.values for c in CLOSINGS]
    reply = [t + a for t in pools.replies.values for a in ALIASES]
    return visitor, reply


PID_BYTES = np.array([p.encode() for p in PAGE_IDS], dtype="S15").view("V15")
FB = "https://www.facebook.com/"


@lru_cache(maxsize=1)
def _combination_arrays() -> tuple[pa.Array, pa.Array]:
    visitor, reply = _combinations()
    return pa.array(visitor, pa.string()), pa.array(reply, pa.string())


def _kind_rows(kind: str, n: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int8)), pa.array([kind])
    ).cast(pa.string())


def _slices(lo: int, hi: int) -> Iterator[tuple[int, int]]:
    for a in range(lo, hi, BATCH_ROWS):
        yield a, min(a + BATCH_ROWS, hi)


def _pages(items: int | None, seed: int | None) -> list[_Page]:
    """Every page's year as numpy arrays (the only loop over pages that draws numbers)."""
    items = DEFAULT_ITEMS if items is None else int(items)
    if not 1_000 <= items <= MAX_ITEMS:
        raise InputError("--items", f"the demo has 1,000 to {MAX_ITEMS:,} inbound items")
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    grid = _grid()
    counts = _allocate(items, np.array([p.volume for p in PAGES]))
    scale = items / DEFAULT_ITEMS
    return [_page(rng, i, spec, int(counts[i]), scale, grid) for i, spec in enumerate(PAGES)]


def _post_tables(pages: list[_Page]) -> Iterator[pa.Table]:
    """The posts table in batches: every page's own posts, then visitor posts, then comments
    (page by page, each in time order), at most BATCH_ROWS rows a batch."""
    pools = _pools()
    visitor_texts, _ = _combination_arrays()
    pp_page = np.repeat(np.arange(len(pages)), [len(p.pp_t) for p in pages])
    n_pp = len(pp_page)
    pp_pid = np.take(PID_BYTES, pp_page)
    pp_num = _digits(np.concatenate([p.pp_num for p in pages]), 10)
    page_posts = {
        "post_id": _fixed(n_pp, pp_pid, "_", pp_num),
        "page_id": _fixed(n_pp, pp_pid),
        "kind": _kind_rows("page_post", n_pp),
        "parent_id": pa.nulls(n_pp, pa.string()),
        "created_at": _ts(np.concatenate([p.pp_t for p in pages])),
        "author_id": pa.nulls(n_pp, pa.string()),
        "message": _texts(pools.posts.values, np.concatenate([p.pp_text for p in pages])),
        "is_hidden": pa.nulls(n_pp, pa.bool_()),
        "permalink_url": _fixed(n_pp, FB, pp_pid, "/posts/", pp_num),
    }
    yield pa.table(page_posts, schema=RAW_POSTS_SCHEMA)
    del page_posts, pp_pid, pp_num

    for i, p in enumerate(pages):  # visitor posts
        pid = PAGE_IDS[i]
        for a, b in _slices(0, p.n_vp):
            n, num = b - a, _digits(p.root[a:b], 10)
            h = p.hidden[a:b]
            yield pa.table(
                {
                    "post_id": _fixed(n, pid, "_", num),
                    "page_id": _fixed(n, pid),
                    "kind": _kind_rows("visitor_post", n),
                    "parent_id": pa.nulls(n, pa.string()),
                    "created_at": _ts(p.t[a:b]),
                    "author_id": _fixed(n, "visitor_", _digits(p.author[a:b], 9)),
                    "message": _take(visitor_texts, p.message[a:b]),
                    "is_hidden": pa.array(h == 1, pa.bool_(), mask=h < 0),
                    "permalink_url": _fixed(n, FB, pid, "/posts/", num),
                },
                schema=RAW_POSTS_SCHEMA,
            )
    first = 2_000_000_000  # comment numbers: unique over the world, in page and time order
    for i, p in enumerate(pages):  # comments
        pid = PAGE_IDS[i]
        for a, b in _slices(p.n_vp, len(p.t)):
            n = b - a
            parent = _digits(p.root[a:b], 10)
            num = _digits(first + (a - p.n_vp) + np.arange(n), 10)
            h = p.hidden[a:b]
            yield pa.table(
                {
                    "post_id": _fixed(n, pid, "_", parent, "_", num),
                    "page_id": _fixed(n, pid),
                    "kind": _kind_rows("comment", n),
                    "parent_id": _fixed(n, pid, "_", parent),
                    "created_at": _ts(p.t[a:b]),
                    "author_id": _fixed(n, "visitor_", _digits(p.author[a:b], 9)),
                    "message": _take(visitor_texts, p.message[a:b]),
                    "is_hidden": pa.array(h == 1, pa.bool_(), mask=h < 0),
                    "permalink_url": _fixed(n, FB, pid, "/posts/", parent, "?comment_id=", num),
                },
                schema=RAW_POSTS_SCHEMA,
            )
        first += len(p.t) - p.n_vp


def _reply_tables(pages: list[_Page]) -> Iterator[pa.Table]:
    """The replies table in batches: replies to visitor posts (item ids of 26 characters), then
    to comments (37), page by page. Empties `pages` when done: nothing else needs them."""
    _, reply_texts = _combination_arrays()
    c_first = 2_000_000_000 + np.concatenate([[0], np.cumsum([len(p.t) - p.n_vp for p in pages])])
    r_first = 3_000_000_000 + np.concatenate([[0], np.cumsum([len(p.r_item) for p in pages])])
    for on_vp in (True, False):
        for i, p in enumerate(pages):
            pid = PAGE_IDS[i]
            picked = np.flatnonzero((p.r_item < p.n_vp) == on_vp)
            for a, b in _slices(0, len(picked)):
                rows = picked[a:b]
                m, local = len(rows), p.r_item[rows].astype(np.int64)
                root = _digits(p.root[local], 10)
                if on_vp:
                    item_id = _fixed(m, pid, "_", root)
                else:
                    num = _digits(c_first[i] + local - p.n_vp, 10)
                    item_id = _fixed(m, pid, "_", root, "_", num)
                yield pa.table(
                    {
                        "reply_id": _fixed(m, pid, "_", root, "_", _digits(r_first[i] + rows, 10)),
                        "page_id": _fixed(m, pid),
                        "item_id": item_id,
                        "created_at": _ts(p.r_t[rows]),
                        "message": _take(reply_texts, p.r_message[rows]),
                    },
                    schema=REPLIES_SCHEMA,
                )
    pages.clear()


def _pages_table() -> pa.Table:
    return pa.table(
        {
            "page_id": list(PAGE_IDS),
            "page_name": [s.name for s in PAGES],
            "category": [s.category for s in PAGES],
            "link": [f"{FB}{p}" for p in PAGE_IDS],
            "fan_count": [round(s.followers * 0.96) for s in PAGES],
            "followers_count": [s.followers for s in PAGES],
        },
        schema=PAGES_SCHEMA,
    )


def generate(items: int | None = None, seed: int | None = None) -> DemoWorld:
    """The demo world's raw tables: `items` inbound items (default DEFAULT_ITEMS), seeded."""
    pages = _pages(items, seed)
    conversation = sum(p.conversation for p in pages)
    posts = pa.concat_tables(_post_tables(pages))
    replies = pa.concat_tables(_reply_tables(pages))
    return DemoWorld(_pages_table(), posts, replies, registry_entries(), conversation)


def _refuse_real_data(data_dir: Path) -> None:
    """Demo data never goes into a folder holding real snapshots (or their registry)."""
    for snap in list_snapshots(data_dir):
        if read_manifest(snap).get("source") != "demo":
            raise DataDirError(
                f"{data_dir}: holds real snapshots; write the demo to an empty folder instead"
            )


def write_demo(data_dir: Path, items: int | None = None, seed: int | None = None) -> SnapshotInfo:
    """Write the demo's registry and one snapshot (source "demo") into `data_dir`.

    The same tables as `generate`, handed to the snapshot writer in batches as they are built:
    only the compact per-page arrays and one batch at a time are held, never the whole world."""
    data_dir = Path(data_dir)
    _refuse_real_data(data_dir)
    pages = _pages(items, seed)
    conversation = sum(p.conversation for p in pages)
    # the registry first: write_snapshot reads its opening hours for the business clock
    write_registry(data_dir, registry_entries())
    return write_snapshot_batches(
        data_dir,
        _pages_table(),
        _post_tables(pages),
        _reply_tables(pages),  # empties `pages` once the replies are written
        as_of=AS_OF,
        source="demo",
        extra_counts={"conversation": conversation},
    )
