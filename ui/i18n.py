"""Every string the dashboard shows, in Swedish (first) and English.

`t(key, lang, **values)` looks a string up and fills `{placeholders}`. A test checks that every
key has both languages; definitions of the metrics come from analysis.methodology instead.
"""

from __future__ import annotations

LANGS = ("sv", "en")
DEFAULT_LANG = "sv"

STRINGS: dict[str, tuple[str, str]] = {
    # navigation and frame
    "app_title": ("Svarstid", "Svarstid"),
    "tagline": (
        "Hur snabbt svarar myndigheterna allmänheten på Facebook?",
        "How fast do public agencies answer the public on Facebook?",
    ),
    "nav_rankings": ("Rankning", "Rankings"),
    "nav_profile": ("Profil", "Agency profile"),
    "nav_compare": ("Jämför", "Compare"),
    "nav_methodology": ("Metod och data", "Methodology & data"),
    "language": ("Språk", "Language"),
    "lang_sv": ("Svenska", "Svenska"),
    "lang_en": ("English", "English"),
    "demo_banner": (
        "**Syntetiska demodata, modellerade på publicerade siffror** — inte verkliga "
        "myndigheters data.",
        "**Synthetic demo data, modelled on published figures** — not real agencies' data.",
    ),
    "demo_short": ("Syntetiska demodata", "Synthetic demo data"),
    "generating_demo": (
        "Inga ögonblicksbilder i datamappen: skapar syntetiska demodata (en gång) …",
        "No snapshots in the data folder: generating synthetic demo data (once) …",
    ),
    "data_error": (
        "Datamappen kunde inte läsas. Kontrollera den med `python -m analysis snapshots`.",
        "The data folder could not be read. Check it with `python -m analysis snapshots`.",
    ),
    "computing": ("Räknar …", "Computing …"),
    "data_heading": ("Data", "Data"),
    "snapshot_in_use": ("Ögonblicksbild **{snapshot}**", "Snapshot **{snapshot}**"),
    "snapshot_latest": ("den senaste", "the latest"),
    "snapshot_pinned": ("låst via länken", "pinned by the link"),
    "data_as_of": ("Data per {date}", "Data as of {date}"),
    "pin_snapshot": ("Lås länken till denna ögonblicksbild", "Pin the link to this snapshot"),
    "pin_help": (
        "Länken visar då samma siffror även när nya data läses in.",
        "The link then shows the same numbers even after new data is added.",
    ),
    "share_hint": (
        "Alla val finns i adressen: kopiera den för att dela just den här vyn.",
        "Every choice is in the address: copy it to share exactly this view.",
    ),
    "param_id": ("Sida eller myndighet", "Page or agency"),
    "param_ids": ("Sidor eller myndigheter att jämföra", "Pages or agencies to compare"),
    "snapshot_merged": (
        "Ögonblicksbilden {snapshot} har slagits ihop med andra till {into} och finns inte längre "
        "för sig; den senaste datan visas. Samma poster finns i {into}.",
        "Snapshot {snapshot} was merged with others into {into} and no longer exists on its own; "
        "showing the latest data. The same items are in {into}.",
    ),
    "bad_param": (
        "Länkens värde för {name} gick inte att använda; standardvärdet visas i stället.",
        "The link's value for {name} could not be used; showing the default instead.",
    ),
    "rank_short": ("{rank} av {total}", "{rank} of {total}"),
    "tab_distribution": ("Svarstider", "Response times"),
    "tab_activity": ("Aktivitet per vecka", "Activity per week"),
    "chart_choice": ("Visa diagram", "Show a chart"),
    "tab_none": ("Inget", "None"),
    "tab_scatter": ("Svarsfrekvens mot svarstid", "Reply rate against response time"),
    "tab_buckets": ("Svarstider i intervall", "Response times in bands"),
    "choose_columns": ("Kolumner", "Columns"),
    "level_mapped": (
        "Nivån byttes: {old} visas nu som {level_plural}: {new}.",
        "The level changed: {old} is now shown as {level_plural}: {new}.",
    ),
    "bad_params": (
        "Länkens värden för {name} gick inte att använda; standardvärdena visas i stället.",
        "The link's values for {name} could not be used; showing the defaults instead.",
    ),
    "swapped_dates": (
        "Från-datumet låg efter till-datumet: de har bytt plats.",
        "The from date was after the to date: they have been swapped.",
    ),
    # filters
    "filters": ("Urval", "Filters"),
    "period": ("Period", "Period"),
    "period_all": ("Hela datamängden", "Whole data"),
    "period_last30": ("Sista 30 dagarna i datan", "Last 30 days of the data"),
    "period_study": ("Studiemånaden januari 2017", "The study month, January 2017"),
    "period_custom": ("Egna datum …", "Custom dates …"),
    "since": ("Från och med", "From"),
    "until": ("Till och med", "Until"),
    "scope": ("Inkommande inlägg", "Inbound items"),
    "scope_all": ("Alla", "All"),
    "scope_visitor_posts": ("Besökarinlägg", "Visitor posts"),
    "scope_comments": ("Kommentarer", "Comments"),
    "scope_questions": ("Frågor", "Questions"),
    "clock": ("Klocka", "Clock"),
    "clock_wall": ("Väggklocka", "Wall clock"),
    "clock_business": ("Öppettider", "Opening hours"),
    "clock_help": (
        "Väggklockan räknar all tid; öppettider räknar bara sidans öppna tid (standard "
        "mån–fre 08–16, stängt helgdagar).",
        "The wall clock counts all time; opening hours count only the page's open time "
        "(default Mon–Fri 08–16, closed on public holidays).",
    ),
    "level": ("Nivå", "Level"),
    "level_page": ("Sida", "Page"),
    "level_agency": ("Myndighet", "Agency"),
    "sector": ("Sektor", "Sector"),
    "sector_all": ("Alla sektorer", "All sectors"),
    "view_summary": (
        "{period} · {scope} · {clock}",
        "{period} · {scope} · {clock}",
    ),
    # rankings
    "rankings_title": ("Rankning", "Rankings"),
    "rankings_intro": (
        "Svarsfrekvens och svarstid per {level_noun}. Rangen går efter svarsfrekvensen; den "
        "rankas bara med minst {min} bedömda inlägg i perioden (färre visas men rankas inte), "
        "och 95 %-intervallet bredvid säger hur säker svarsfrekvensen är.",
        "Reply rate and response time per {level_noun}. The rank follows the reply rate; only "
        "with at least {min} rated items in the period is a row ranked (fewer are listed but "
        "not ranked), and the 95 % interval beside it says how certain the reply rate is.",
    ),
    "level_noun_page": ("sida", "page"),
    "level_noun_agency": ("myndighet", "agency"),
    "kpi_pages": ("Sidor", "Pages"),
    "kpi_agencies": ("Myndigheter", "Agencies"),
    "kpi_inbound": ("Inkomna", "Inbound"),  # as the leaderboard; the help says what counts
    "kpi_pending_note": ("varav {pending} väntande", "{pending} of them pending"),
    "kpi_reply_rate": ("Svarsfrekvens totalt", "Overall reply rate"),
    "kpi_median": ("Median svarstid", "Median response time"),
    "kpi_median_help": (
        "Medianen av sidornas medianer i tabellen.",
        "The median of the medians in the table.",
    ),
    "leaderboard": ("Topplista", "Leaderboard"),
    "col_rank": ("Rang", "Rank"),
    "col_name_page": ("Sida", "Page"),
    "col_name_agency": ("Myndighet", "Agency"),
    "col_sector": ("Sektor", "Sector"),
    "col_reply_rate": ("Svarsfrekvens", "Reply rate"),
    "col_interval": ("95 % intervall", "95 % interval"),
    "col_interval_help": (
        "Wilson-intervallet: var svarsfrekvensen troligen ligger, givet antalet inlägg.",
        "The Wilson interval: where the reply rate probably lies, given the number of items.",
    ),
    "col_median": ("Median", "Median"),
    "col_p90": ("P90", "P90"),
    "col_median_min": ("Median (min)", "Median (min)"),
    "col_p90_min": ("P90 (min)", "P90 (min)"),
    "col_within_pct": ("Inom mål (%)", "In goal (%)"),
    "col_within_goal_pct": ("Inom {goal} (%)", "Within {goal} (%)"),
    "col_p90_help": (
        "90:e percentilen: 90 % av de besvarade inläggen fick svar snabbare än så.",
        "90th percentile: 90 % of answered items were answered faster than this.",
    ),
    "col_within": ("Inom mål", "In goal"),
    "col_within_help": (
        "Andel besvarade inom sidans svarsmål (standard 2 timmar) på vald klocka.",
        "Share answered within the page's goal (default 2 hours) on the chosen clock.",
    ),
    "col_km": ("Kaplan–Meier-median", "Kaplan–Meier median"),
    "col_inbound": ("Inkomna", "Inbound"),
    "col_answered": ("Besvarade", "Answered"),
    "col_pending": ("Väntar", "Pending"),
    "col_pending_help": (
        "Obesvarade men yngre än {hours} timmar när data hämtades: räknas inte i svarsfrekvensen.",
        "Unanswered but younger than {hours} hours when the data was taken: not in the reply rate.",
    ),
    "col_pages": ("Sidor", "Pages"),
    "col_flags": ("Anmärkning", "Note"),
    "flag_too_few": ("för få för att rankas", "too few to rank"),
    "flag_too_few_n": (
        "för få för att rankas ({n} av minst {min})",
        "too few to rank ({n} of at least {min})",
    ),
    "flag_too_few_short": ("för få ({n} av minst {min})", "too few ({n} of {min})"),
    "col_flags_help": (
        "För få: färre bedömda inlägg än vad som krävs för en rang. Stängd vägg: sidan tar inte "
        "emot besökarinlägg.",
        "Too few: fewer rated items than a rank needs. Closed wall: the page takes no visitor "
        "posts.",
    ),
    "col_interval_short": ("Intervall", "Interval"),
    "col_rank_help": (
        "Efter svarsfrekvens (högst först), vid lika efter median svarstid; bara med minst "
        "{min} bedömda inlägg. Se intervallet: rader vars intervall överlappar kan i själva "
        "verket ligga i omvänd ordning.",
        "By reply rate (highest first), ties by median response time; only with at least {min} "
        "rated items. See the interval: rows whose intervals overlap may really be the other "
        "way round.",
    ),
    "flag_closed_wall": ("stängd vägg", "closed wall"),
    "flag_no_items": ("inga inlägg", "no items"),
    "unit_min": ("min", "min"),
    "scatter_title": (
        "Svarsfrekvens (%) mot median svarstid (logaritmisk tidsaxel)",
        "Reply rate (%) against median response time (logarithmic time axis)",
    ),
    "scatter_x": ("Median svarstid", "Median response time"),
    "scatter_y": ("Svarsfrekvens (%)", "Reply rate (%)"),
    "scatter_corner": ("Snabba och grundliga", "Fast and thorough"),
    "scatter_goal": ("Mål: {goal}", "Goal: {goal}"),
    "scatter_unranked": ("för få för att rankas", "too few to rank"),
    "scatter_ranked": ("rankade", "ranked"),
    "scatter_empty": (
        "Ingen sida har besvarade inlägg i det här urvalet.",
        "No page has answered items in this selection.",
    ),
    "downloads": ("Ladda ner", "Download"),
    "download_csv": ("CSV", "CSV"),
    "download_xlsx": ("Excel", "Excel"),
    "sheet_ranking": ("Rankning", "Ranking"),
    "x_id": ("Id", "Id"),
    "x_name": ("Namn", "Name"),
    "x_reply_rate": ("Svarsfrekvens", "Reply rate"),
    "x_low": ("Svarsfrekvens, intervallets nedre gräns", "Reply rate, interval low"),
    "x_high": ("Svarsfrekvens, intervallets övre gräns", "Reply rate, interval high"),
    "x_median": ("Median svarstid (min)", "Median response time (min)"),
    "x_p90": ("90:e percentilen (min)", "90th percentile (min)"),
    "x_km": ("Kaplan–Meier-median (min)", "Kaplan–Meier median (min)"),
    "x_within": ("Inom målet", "Within goal"),
    "x_goal": ("Mål (min)", "Goal (min)"),
    "sheet_definitions": ("Definitioner", "Definitions"),
    "sheet_filters": ("Urval", "Filters"),
    "sheet_term": ("Begrepp", "Term"),
    "sheet_text": ("Definition", "Definition"),
    "sheet_param": ("Val", "Setting"),
    "sheet_value": ("Värde", "Value"),
    "sheet_snapshot": ("Ögonblicksbild", "Snapshot"),
    "sheet_source": ("Källa", "Source"),
    "sheet_link": ("Länk till vyn", "Link to the view"),
    "no_rows": ("Inga sidor i det här urvalet.", "No pages in this selection."),
    # profile
    "profile_pick": ("Välj {level_noun}", "Choose a {level_noun}"),
    "profile_facts": (
        "{sector} · {pages} · öppettider {hours} · svarsmål {goal}",
        "{sector} · {pages} · opening hours {hours} · goal {goal}",
    ),
    "pages_count": ("{n} sidor", "{n} pages"),
    "page_count_one": ("1 sida", "1 page"),
    "rank_of": ("Rang {rank} av {total}", "Rank {rank} of {total}"),
    "not_ranked": ("Ej rankad (för få inlägg)", "Not ranked (too few items)"),
    "vs_peers": ("mot medianen", "vs median"),
    "peer_note": (
        "Jämfört med medianen för alla rankade {level_plural} i samma urval.",
        "Compared with the median of all ranked {level_plural} in the same selection.",
    ),
    "level_plural_page": ("sidor", "pages"),
    "level_plural_agency": ("myndigheter", "agencies"),
    "kpi_p90": ("90:e percentilen", "90th percentile"),
    "kpi_within": ("Inom målet", "Within goal"),
    "kpi_km": ("Kaplan–Meier-median", "Kaplan–Meier median"),
    "trend_title": (
        "Vecka för vecka: svarsfrekvens (%) och median svarstid (timmar)",
        "Week by week: reply rate (%) and median response time (hours)",
    ),
    "week": ("Vecka (måndag)", "Week (Monday)"),
    "axis_rate": ("Svarsfrekvens (%)", "Reply rate (%)"),
    "axis_median": ("Median (min)", "Median (min)"),
    "dist_title": (
        "Svarstider för besvarade inlägg (andel per intervall, %)",
        "Response times of answered items (share per bin, %)",
    ),
    "dist_x": ("Svarstid", "Response time"),
    "dist_y": ("Andel av besvarade (%)", "Share of answered (%)"),
    "dist_goal": ("målet {goal}", "goal {goal}"),
    "activity_title": (
        "Egna inlägg och inkommande inlägg per vecka (antal)",
        "Own posts and inbound items per week (count)",
    ),
    "activity_own": ("Egna inlägg", "Own posts"),
    "activity_inbound": ("Inkommande", "Inbound"),
    "activity_inbound_axis": ("Inkommande per vecka", "Inbound per week"),
    "activity_own_axis": ("Egna inlägg per vecka", "Own posts per week"),
    # issue 17: buckets, movement and history, answer quality, moderation, storms
    "buckets_title": (
        "Svarstider i intervall (andel av bedömda inlägg, %)",
        "Response times in buckets (share of rated items, %)",
    ),
    "buckets_x": ("Andel av bedömda inlägg (%)", "Share of rated items (%)"),
    "buckets_note": (
        "På vald klocka. Väntande inlägg ({pending}) ingår inte i staplarna.",
        "On the chosen clock. Pending items ({pending}) are not in the bars.",
    ),
    "bucket_answered_0_2h": ("0–2 h", "0–2 h"),
    "bucket_answered_2_8h": ("2–8 h", "2–8 h"),
    "bucket_answered_8_24h": ("8–24 h", "8–24 h"),
    "bucket_answered_over_24h": ("> 24 h", "> 24 h"),
    "bucket_answered_untimed": ("Besvarade, ej tidsatta", "Answered, untimed"),
    "bucket_unanswered": ("Obesvarade", "Unanswered"),
    "bucket_pending_hover": ("väntande", "pending"),
    "col_move": ("±", "±"),
    "col_move_help": (
        "Förflyttning sedan perioden före ({since}–{until}): ↑ upp, ↓ ned, ny = inte rankad då",
        "Movement since the period before ({since}–{until}): ↑ up, ↓ down, new = not ranked then",
    ),
    "move_new": ("ny", "new"),
    "history_title": ("Rang per månad", "Rank per month"),
    "history_x": ("Månad", "Month"),
    "history_empty": (
        "Ingen rang att visa: för få bedömda inlägg i varje månad.",
        "No rank to show: too few rated items in every month.",
    ),
    "quality_heading": ("Svarens kvalitet och moderering", "Answer quality and moderation"),
    "quality_note": (
        "Uppföljnings- och hänvisningsgraden är indikatorer, inte mått på kvalitet; se Metod.",
        "The follow-up and redirect rates are proxies, not measures of quality; see Methodology.",
    ),
    "kpi_follow_up": ("Uppföljningsgrad", "Follow-up rate"),
    "kpi_follow_up_help": (
        "Andel besvarade inlägg där besökaren skrev igen på samma ställe inom ett dygn efter "
        "svaret ({n} av {base})",
        "Share of answered items whose visitor wrote again in the same place within a day of "
        "the reply ({n} of {base})",
    ),
    "kpi_redirect": ("Hänvisningsgrad", "Redirect rate"),
    "kpi_redirect_help": (
        "Andel första svar som hänvisar vidare: ring, mejla, formulär, Mina sidor ({n} av {base})",
        "Share of first replies that send the visitor elsewhere: call, e-mail, a form, My pages "
        "({n} of {base})",
    ),
    "kpi_hidden": ("Dolda av sidan", "Hidden by the page"),
    "kpi_hidden_help": (
        "{n} inlägg dolda av {base} där det är känt",
        "{n} items hidden of {base} where it is known",
    ),
    "kpi_pnr": ("Personnummer dolda", "Personnummer hidden"),
    "kpi_pnr_help": (
        "{found} inlägg där maskeringen hittade ett personnummer; {n} av {base} kända dolda "
        "(numret sparas aldrig)",
        "{found} items where masking found a personnummer; {n} of {base} known hidden "
        "(the number is never stored)",
    ),
    "storms_heading": ("Stormar", "Storms"),
    "storms_note": (
        "Kvartar med minst {factor} × sidans vanliga takt och minst {min} inlägg; se Metod.",
        "Quarter hours with at least {factor} × the page's usual rate and {min} items; see "
        "Methodology.",
    ),
    "storms_none": ("Inga stormar i perioden.", "No storms in the period."),
    "storm_mark": ("storm: {size}", "storm: {size}"),
    "col_storm_start": ("Start", "Start"),
    "col_storm_page": ("Sida", "Page"),
    "col_storm_duration": ("Längd", "Duration"),
    "col_storm_size": ("Inlägg", "Items"),
    "col_storm_rate": ("Svarsfrekvens under", "Reply rate during"),
    "col_storm_rate_out": ("… utanför", "… outside"),
    "col_storm_median": ("Median under", "Median during"),
    "col_storm_median_out": ("… utanför", "… outside"),
    "heat_heading": ("Veckodag och timme", "Weekday and hour"),
    "heat_arrivals": ("Inkommande", "Arrivals"),
    "heat_median": ("Median svarstid", "Median response time"),
    "heat_backlog": ("Väntande (kön)", "Waiting (the queue)"),
    "heat_arrivals_title": (
        "Inkommande inlägg per veckodag och timme (antal, svensk tid)",
        "Inbound items by weekday and hour (count, Swedish time)",
    ),
    "heat_median_title": (
        "Median svarstid efter ankomsttid (svensk tid)",
        "Median response time by arrival time (Swedish time)",
    ),
    "heat_backlog_title": (
        "Inlägg som väntar på svar vid varje timmes början (medel antal, svensk tid)",
        "Items waiting for a reply at the start of each hour (mean count, Swedish time)",
    ),
    "heat_backlog_note": (
        "Ett inlägg väntar från ankomsten till första svaret; ett obesvarat högst i "
        "{hours} timmar. Måndagsmorgonens kö syns efter en obemannad helg.",
        "An item waits from its arrival to its first reply; an unanswered one for at most "
        "{hours} hours. The Monday-morning queue shows after an unstaffed weekend.",
    ),
    "hour": ("Timme", "Hour"),
    "weekday": ("Veckodag", "Weekday"),
    "count": ("Antal", "Count"),
    "minutes": ("Minuter", "Minutes"),
    "items_heading": ("Enskilda inlägg", "Individual items"),
    "items_slowest": ("Långsammast besvarade", "Slowest answered"),
    "items_unanswered": ("Obesvarade", "Unanswered"),
    "items_note": (
        "Texten visas som den är (personnummer, e-post och telefonnummer maskerade). "
        "Länken öppnar inlägget på Facebook.",
        "Text is shown as it is (identity numbers, e-mail addresses and phone numbers "
        "masked). The link opens the item on Facebook.",
    ),
    "col_time": ("Tid", "Time"),
    "col_kind": ("Typ", "Kind"),
    "col_text": ("Text", "Text"),
    "col_response": ("Svarstid", "Response time"),
    "col_waited": ("Väntat", "Waited"),
    "col_link": ("Länk", "Link"),
    "col_page": ("Sida", "Page"),
    "open_link": ("Öppna", "Open"),
    "kind_visitor_post": ("besökarinlägg", "visitor post"),
    "kind_comment": ("kommentar", "comment"),
    "no_items": ("Inga inlägg här i det valda urvalet.", "No items here in this selection."),
    "no_entity": ("Det finns inga sidor i datan.", "There are no pages in the data."),
    # compare
    "compare_title": ("Jämför", "Compare"),
    "compare_pick": ("Välj 2–6 {level_plural}", "Choose 2–6 {level_plural}"),
    "compare_need_two": (
        "Välj minst två {level_plural} att jämföra.",
        "Choose at least two {level_plural} to compare.",
    ),
    "compare_trend_rate": (
        "Svarsfrekvens vecka för vecka (%)",
        "Reply rate week by week (%)",
    ),
    "compare_trend_median": (
        "Median svarstid vecka för vecka (minuter)",
        "Median response time week by week (minutes)",
    ),
    "compare_dist_title": (
        "Svarstider för besvarade inlägg (andel per intervall, %)",
        "Response times of answered items (share per bin, %)",
    ),
    # methodology & data
    "method_title": ("Metod och data", "Methodology & data"),
    "method_intro": (
        "Definitionerna nedan är samma text som koden bygger på (analysis/methodology.py) "
        "och som docs/methodology.md genereras från.",
        "The definitions below are the same text the code rests on (analysis/methodology.py) "
        "and that docs/methodology.md is generated from.",
    ),
    "definitions": ("Definitioner", "Definitions"),
    "snapshots": ("Ögonblicksbilder", "Snapshots"),
    "snapshots_intro": (
        "Varje inläsning blir en oföränderlig ögonblicksbild. Unionen av dem visas; det "
        "senaste exemplaret av ett inlägg vinner. Färskhet: när exporten togs.",
        "Each ingest becomes an immutable snapshot. Their union is shown; the latest copy of "
        "an item wins. Freshness: when the export was taken.",
    ),
    "freshness": (
        "Senaste data per {date} ({age} före i dag).",
        "Latest data as of {date} ({age} before today).",
    ),
    "col_snapshot": ("Ögonblicksbild", "Snapshot"),
    "col_source": ("Källa", "Source"),
    "col_as_of": ("Per (export)", "As of (export)"),
    "contributions": ("Vem som bidrar med datan", "Who contributes the data"),
    "contributions_intro": (
        "Per sida: vem som publicerade dess data (contributors.toml) och hur färsk den senaste "
        "ögonblicksbilden är. En sida kommer alltid från en enda bidragsgivare.",
        "Per page: who published its data (contributors.toml) and how fresh its latest snapshot "
        "is. A page always comes from a single contributor.",
    ),
    "col_contributor": ("Bidragsgivare", "Contributor"),
    "col_age": ("Ålder", "Age"),
    "contributor_local": ("denna datamapp", "this data folder"),
    "col_created": ("Inläst", "Ingested"),
    "col_first_item": ("Första inlägg", "First item"),
    "col_last_item": ("Sista inlägg", "Last item"),
    "col_items": ("Inkommande inlägg", "Inbound items"),
    "source_demo": ("demo (syntetisk)", "demo (synthetic)"),
    "quality": ("Datakvalitet", "Data quality"),
    "quality_intro": (
        "Avvikelser som inläsningen räknade och behöll eller lät bli: de påverkar inte "
        "siffrorna utom där det står.",
        "Anomalies the ingest counted and kept or left out: they do not change the numbers "
        "except where noted.",
    ),
    "col_what": ("Vad", "What"),
    "counts": ("Innehåll", "Contents"),
    "registry": ("Sidregistret", "The page registry"),
    "registry_intro": (
        "Myndighet, sektor, öppettider, svarsmål och öppen vägg per sida (data/registry.csv).",
        "Agency, sector, opening hours, goal and open wall per page (data/registry.csv).",
    ),
    "col_hours": ("Öppettider", "Opening hours"),
    "col_goal": ("Svarsmål (min)", "Goal (min)"),
    "col_open_wall": ("Öppen vägg", "Open wall"),
    "col_fans": ("Gilla", "Likes"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    # data-quality and count keys from the manifests
    "q_reply_before_item": (
        "Svar stämplade före inlägget (besvarat, ej tidsatt)",
        "Replies stamped before their item (answered, not timed)",
    ),
    "q_truncated_messages": (
        "Meddelanden kortade till 10 000 tecken",
        "Messages cut at 10,000 characters",
    ),
    "q_comments_without_from": (
        "Kommentarer utan synlig avsändare (räknas inte)",
        "Comments without a visible author (not counted)",
    ),
    "q_posts_without_from": (
        "Inlägg utan synlig avsändare (räknas inte)",
        "Posts without a visible author (not counted)",
    ),
    "q_replies_to_comments_without_from": (
        "Svar på kommentarer utan avsändare",
        "Replies to comments without an author",
    ),
    "q_duplicate_items": ("Dubbletter av inlägg (sparade en gång)", "Duplicate items (kept once)"),
    "q_duplicate_pages": ("Dubbletter av sidor", "Duplicate pages"),
    "q_duplicate_replies": ("Dubbletter av svar", "Duplicate replies"),
    "c_pages": ("Sidor", "Pages"),
    "c_posts": ("Inlägg och kommentarer", "Posts and comments"),
    "c_replies": ("Svar från sidorna", "Page replies"),
    "c_inbound_items": ("Inkommande inlägg", "Inbound items"),
    "c_kind_page_post": ("Sidornas egna inlägg", "Pages' own posts"),
    "c_kind_visitor_post": ("Besökarinlägg", "Visitor posts"),
    "c_kind_comment": ("Kommentarer", "Comments"),
    "c_conversation": (
        "Samtal (andra besökares kommentarer, sparas inte)",
        "Conversation (other visitors' comments, not stored)",
    ),
    "c_page_comments_on_own_posts": (
        "Sidans kommentarer på egna inlägg",
        "Page comments on its own posts",
    ),
    "c_rejected": ("Avvisade vid inläsning", "Rejected at ingest"),
    # the goal (issue 18)
    "goal": ("Svarsmål", "Response goal"),
    "goal_own": ("Varje sidas eget mål", "Each page's own goal"),
    "goal_common": ("Gemensamt mål: {goal}", "Common goal: {goal}"),
    "goal_help": (
        "Registret ger sidorna mål på 1, 2, 4 eller 8 timmar. Välj ett gemensamt mål för att "
        "jämföra alla på samma villkor; kolumnen Mål visar vilket mål varje rad räknas mot.",
        "The registry gives pages goals of 1, 2, 4 or 8 hours. Choose a common goal to compare "
        "everyone on the same terms; the Goal column shows the goal each row is measured against.",
    ),
    "col_goal_row": ("Mål (h)", "Goal (h)"),
    "col_goal_row_help": (
        "Målet raden räknas mot (en myndighets: medianen av dess sidors mål).",
        "The goal this row is measured against (an agency's: the median of its pages' goals).",
    ),
    "heat_within": ("Inom målet", "Within goal"),
    "heat_within_title": (
        "Andel besvarade inom målet ({goal}) efter ankomsttid (%, svensk tid)",
        "Share answered within the goal ({goal}) by arrival time (%, Swedish time)",
    ),
    "heat_within_note": (
        "Siffran i rutan är andelen (%) av inläggen som kom då och fick svar inom målet; "
        "blått: över hälften (medianen klarar målet), orange: under hälften. Håll muspekaren "
        "över en ruta för antalet inlägg. Tomma rutor: inga inlägg.",
        "The number in a cell is the share (%) of the items arriving then that were answered "
        "within the goal; blue: over half (the median meets the goal), orange: under half. "
        "Hover a cell for the item counts. Empty cells: no items.",
    ),
    "heat_median_note": (
        "Färgskalan är logaritmisk och delas vid målet ({goal}): blått snabbare, orange "
        "långsammare. Värdena står i rutorna.",
        "The colour scale is logarithmic and divides at the goal ({goal}): blue faster, orange "
        "slower. The values are written in the cells.",
    ),
    "of_items": ("{n} av {base} inlägg", "{n} of {base} items"),
    "goal_line": ("mål {goal}", "goal {goal}"),
    "goals_differ": ("mål {goal} ({n})", "goal {goal} ({n})"),
    "axis_median_h": ("Median (timmar)", "Median (hours)"),
}


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The string `key` in `lang`, with `{placeholders}` filled from `values`."""
    sv, en = STRINGS[key]
    text = en if lang == "en" else sv
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in STRINGS
