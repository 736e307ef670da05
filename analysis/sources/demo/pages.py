"""The demo's 66 pages: who they are, how their visitors and staff behave, their registry."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.hours.spec import DEFAULT_HOURS_SPEC
from analysis.registry import PageEntry
from analysis.settings import TIMEZONE


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
