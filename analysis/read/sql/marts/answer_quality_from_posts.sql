-- answer_quality_from_posts: answer_quality (see there) derived from the posts and replies
--   themselves — for snapshots written before item facts carried the flags, and for several
--   snapshots read together (a follow-up or a reply may sit in another snapshot than the item's).
-- grain: one row per entity of $entity_ids with inbound items in the view
-- inputs: int_items_in_scope, int_inbound_posts (macros), stg_replies (macro)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $post_files, $reply_files  posts.parquet and replies.parquet paths (same snapshots as $files)
--   $entity_ids                list of page ids or agency names
--   $follow_up_hours           how long after the page's first reply a visitor's new item counts
--   $redirect_pattern          RE2 pattern of a reply that sends the visitor elsewhere
-- Follow-up: of the answered items with a timed first reply, those whose visitor (the same
-- pseudonym) wrote another inbound item in the same thread (int_inbound_posts.thread_key) after
-- that reply, within $follow_up_hours. Redirect: of the answered items, those whose first reply
-- (the one that times the item; for an item answered only before it, its earliest reply)
-- matches $redirect_pattern.
with items as (
    select item_id, entity_id, is_answered, first_reply_at
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

posts as (
    select post_id, thread_key, author_key, created_at
    from int_inbound_posts($post_files, $dedupe)
),

-- The follow-up window as an equality: with windows of $follow_up_hours (at least a second)
-- numbered from the epoch, an item written up to one window after a reply falls in the reply's
-- window or the next, so the self-join matches a visitor's items of two windows, not of the
-- whole thread (a busy wall is one thread, and its regulars write in it all year).
timed as (
    select
        i.item_id,
        i.entity_id,
        i.first_reply_at,
        p.thread_key,
        p.author_key,
        unnest([0, 1]) + floor(epoch(i.first_reply_at) / w.seconds)::bigint as window_index
    from items as i
    inner join posts as p on i.item_id = p.post_id
    cross join (select greatest($follow_up_hours * 3600, 1) as seconds) as w
    where i.first_reply_at is not null
),

windowed_posts as (
    select
        p.*,
        floor(epoch(p.created_at) / w.seconds)::bigint as window_index
    from posts as p
    cross join (select greatest($follow_up_hours * 3600, 1) as seconds) as w
),

followed as (
    select distinct t.item_id
    from timed as t
    inner join windowed_posts as q
        on
            t.thread_key = q.thread_key
            and t.author_key = q.author_key
            and t.window_index = q.window_index
            and t.item_id != q.post_id
    where
        epoch(q.created_at) - epoch(t.first_reply_at) > 0
        and epoch(q.created_at) - epoch(t.first_reply_at) <= $follow_up_hours * 3600
),

first_replies as (
    select r.item_id, r.message
    from stg_replies($reply_files, $dedupe) as r
    inner join items as i on r.item_id = i.item_id
    qualify row_number() over (
        partition by r.item_id
        order by r.created_at = i.first_reply_at desc nulls last, r.created_at, r.reply_id
    ) = 1
),

final as (
    select
        i.entity_id,
        count(*) filter (where i.is_answered) as answered,
        count(t.item_id) as follow_up_base,
        count(f.item_id) as followed_up,
        count(f.item_id) / nullif(count(t.item_id), 0) as follow_up_rate,
        count(r.item_id) as first_replies,
        count(*) filter (
            where regexp_matches(coalesce(r.message, ''), $redirect_pattern)
        ) as redirected,
        redirected / nullif(count(r.item_id), 0) as redirect_rate
    from items as i
    left join (select distinct item_id from timed) as t on i.item_id = t.item_id
    left join followed as f on i.item_id = f.item_id
    left join first_replies as r on i.item_id = r.item_id
    group by i.entity_id
)

select * from final
order by entity_id
