-- item_facts: each inbound item with its first page reply, the base every metric aggregates.
-- grain: one row per inbound item (visitor_post or comment) of one snapshot
-- inputs: posts, replies (the tables of the snapshot being written)
-- parameters: $as_of — the snapshot's export time (TIMESTAMPTZ)
-- Response times on both clocks are added in Python (analysis/snapshot/facts.py): the opening-hours clock
-- needs each page's hours and the Swedish holiday calendar.
with items as (
    select post_id as item_id, page_id, kind, created_at, is_question
    from posts
    where kind in ('visitor_post', 'comment')
),

reply_stats as (
    select
        r.item_id,
        count(*) as reply_count,
        min(r.created_at) filter (where r.created_at >= i.created_at) as first_reply_at,
        bool_or(r.created_at < i.created_at) as has_reply_before_item
    from replies as r
    inner join items as i on r.item_id = i.item_id
    group by r.item_id
),

final as (
    select
        i.item_id,
        i.page_id,
        i.kind,
        i.created_at,
        i.is_question,
        $as_of::timestamptz as observed_at,
        coalesce(s.reply_count, 0)::integer as reply_count,
        s.first_reply_at,
        coalesce(s.has_reply_before_item, false) as has_reply_before_item
    from items as i
    left join reply_stats as s on i.item_id = s.item_id
)

select * from final
order by page_id, created_at, item_id  -- item_id: the same data writes the same file
