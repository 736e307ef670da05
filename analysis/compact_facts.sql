-- compact_facts: the merged snapshot's item facts — each item's facts from its latest snapshot
--   (stg_latest, as compact.sql), with the flags of analysis/snapshot/item_facts.sql derived
--   again from the merged posts and replies (the table item_flags): a follow-up or a reply may
--   be in another snapshot than the item's latest facts, and snapshots written before the flags
--   have none to carry.
-- grain: one row per item_id
-- parameters: $files (item_facts.parquet of each merged snapshot)
select
    f.item_id,
    f.page_id,
    f.kind,
    f.created_at,
    f.is_question,
    f.observed_at,
    f.reply_count,
    f.first_reply_at,
    f.has_reply_before_item,
    f.wall_minutes,
    f.business_minutes,
    f.wall_minutes_observed,
    f.business_minutes_observed,
    g.is_hidden,
    g.has_personnummer,
    g.follow_up_at,
    g.first_reply_redirects
from stg_latest($files, true, 'item_id') as f
left join item_flags as g on f.item_id = g.item_id
order by f.page_id, f.created_at
