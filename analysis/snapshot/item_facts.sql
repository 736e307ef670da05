-- item_facts: each inbound item with its first page reply, the base every metric aggregates,
--   and the flags the answer-quality and moderation marts would otherwise derive from the
--   posts' and replies' text at every read.
-- grain: one row per inbound item (visitor_post or comment) of one snapshot
-- inputs: posts, replies (the tables of the snapshot being written)
-- parameters: $as_of — the snapshot's export time (TIMESTAMPTZ); $redirect_pattern — the RE2
--   pattern of a reply that sends the visitor elsewhere (analysis.read.metrics)
-- Response times on both clocks are added in Python (analysis/snapshot/facts.py): the opening-hours clock
-- needs each page's hours and the Swedish holiday calendar.
-- follow_up_at is the visitor's first other inbound item in the same thread (the page post a
-- comment is under, or the wall for a visitor post) stamped after the first reply: the
-- follow-up window ($follow_up_hours) stays a read-time choice. first_reply_redirects tells
-- whether the first reply (the one that times the item; for an item answered only before it,
-- its earliest reply) matches $redirect_pattern; NULL for an unanswered item.
with inbound as (
    select
        post_id as item_id,
        page_id,
        kind,
        created_at,
        is_question,
        is_hidden,
        has_personnummer,
        author_key,
        coalesce('post:' || parent_id, 'wall:' || page_id) as thread_key
    from posts
    where kind in ('visitor_post', 'comment')
),

reply_stats as (
    select
        r.item_id,
        count(*) as reply_count,
        min(r.created_at) filter (where r.created_at >= i.created_at) as first_reply_at,
        bool_or(r.created_at < i.created_at) as has_reply_before_item,
        -- the first reply: at or after the item first, then the earliest, then by id
        arg_min_null(
            r.message, (r.created_at < i.created_at, r.created_at, r.reply_id)
        ) as first_reply_message
    from replies as r
    inner join inbound as i on r.item_id = i.item_id
    group by r.item_id
),

timed as (
    select i.item_id, i.thread_key, i.author_key, s.first_reply_at
    from inbound as i
    inner join reply_stats as s on i.item_id = s.item_id
    where s.first_reply_at is not null and i.author_key is not null
),

-- the item itself is never its own follow-up: it is stamped at or before its first reply
follow_ups as (
    select t.item_id, q.created_at as follow_up_at
    from timed as t
    asof inner join (select thread_key, author_key, created_at from inbound) as q
        on
            t.thread_key = q.thread_key
            and t.author_key = q.author_key
            and t.first_reply_at < q.created_at
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
        coalesce(s.has_reply_before_item, false) as has_reply_before_item,
        i.is_hidden,
        i.has_personnummer,
        u.follow_up_at,
        case
            when s.item_id is not null
                then regexp_matches(coalesce(s.first_reply_message, ''), $redirect_pattern)
        end as first_reply_redirects
    from inbound as i
    left join reply_stats as s on i.item_id = s.item_id
    left join follow_ups as u on i.item_id = u.item_id
)

select * from final
order by page_id, created_at, item_id  -- item_id: the same data writes the same file
