"""What visitors and pages write: the message corpora, planted personal data and the text pools."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa


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


class Texts:
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
class Pools:
    """Message pools as arrays of text numbers."""

    texts: Texts = field(default_factory=Texts)
    replies: Texts = field(default_factory=Texts)
    posts: Texts = field(default_factory=Texts)
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
def text_pools() -> Pools:
    p = Pools()
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
