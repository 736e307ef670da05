"""The names of the table formats and their columns, with no heavy import: the CLI's help and
`--columns` check use them before anything is read."""

FORMATS = ("auto", "long", "answer-log", "facepager")

# The long format (docs/import-format.md)
REQUIRED = ("page_id", "item_id", "created_time")
OPTIONAL = ("page_name", "parent_id", "author_id", "is_page", "message", "is_hidden", "permalink")
ALIASES = {"permalink_url": "permalink"}
COLUMNS = REQUIRED + OPTIONAL

# The headers recognised for each role (as `read.header_name` writes them), Swedish first.
HEADERS = {
    "arrival": (
        "ankomsttid", "ankomst", "ankommen", "inkom", "inkommen", "inkommet", "inkomsttid",
        "mottagen", "mottaget", "fråga inkom", "frågan inkom", "tid inkom",
        "arrival", "arrival time", "arrived", "received", "received at", "asked", "asked at",
        "question time",
    ),
    "answered": (
        "svarstid", "besvarad", "besvarat", "besvarades", "svarad", "svarat", "svar",
        "tid besvarad", "tid för svar", "svarstidpunkt",
        "answered", "answered at", "answer time", "answer", "replied", "replied at",
        "reply time",
    ),
    "duration": (
        "tid till svar", "svarstid i minuter", "minuter", "minuter till svar", "väntetid",
        "duration", "minutes", "minutes to answer", "time to answer", "response minutes",
    ),
    "date": ("datum", "dag", "ankomstdatum", "date", "day", "arrival date"),
    "page": ("sida", "kanal", "facebooksida", "konto", "page", "channel", "account", "page_id"),
    "category": ("kategori", "ämne", "frågetyp", "category", "topic", "subject"),
    "note": (
        "anteckning", "anteckningar", "notering", "kommentar", "anmärkning", "note", "notes",
        "comment",
    ),
    "kind": ("typ", "inläggstyp", "type", "kind"),
    "id": ("id", "ärende", "ärendenummer", "ärendenr", "case", "case id", "item_id"),
}  # fmt: skip

FACEPAGER_COLUMNS = ("object_id", "parent_id", "created_time", "message", "from.id")
# --columns: the names each format's columns can be given by
COLUMN_ROLES = tuple(dict.fromkeys((*COLUMNS, *HEADERS, *FACEPAGER_COLUMNS)))
