-- answer_quality: two proxies of whether an answer settled the matter — the follow-up rate and
--   the redirect rate — per entity.
-- grain: one row per entity of $entity_ids with inbound items in the view
-- inputs: int_items_in_scope, int_page_entities (macros), with the flags of item facts (follow_up_at,
--   first_reply_redirects: analysis/snapshot/item_facts.sql)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $entity_ids                list of page ids or agency names
--   $follow_up_hours           how long after the page's first reply a visitor's new item counts
-- Follow-up: of the answered items with a timed first reply, those whose visitor (the same
-- pseudonym) wrote another inbound item in the same thread after that reply, within
-- $follow_up_hours: the visitor's first such item (follow_up_at) is that soon. Redirect: of the
-- answered items, those whose first reply (the one that times the item; for an item answered
-- only before it, its earliest reply) matches the redirect pattern, tested when the snapshot is
-- written. One snapshot's item facts see its own posts and replies only, so insights runs
-- answer_quality_from_posts (the same definition, from the posts and replies) when several
-- snapshots are read, or when one lacks the flags. The items are counted by entity_key (an
-- integer), the entity's id looked up after.
with items as (
    select entity_key, is_answered, first_reply_at, follow_up_at, first_reply_redirects
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

counts as (
    select
        entity_key,
        count(*) filter (where is_answered) as answered,
        count(first_reply_at) as follow_up_base,
        count(*) filter (
            where epoch(follow_up_at) - epoch(first_reply_at) <= $follow_up_hours * 3600
        ) as followed_up,
        followed_up / nullif(follow_up_base, 0) as follow_up_rate,
        count(first_reply_redirects) as first_replies,
        count(*) filter (where first_reply_redirects) as redirected,
        redirected / nullif(first_replies, 0) as redirect_rate
    from items
    group by entity_key
),

final as (
    select e.entity_id, c.* exclude (entity_key)
    from counts as c
    inner join (select distinct entity_key, entity_id from int_page_entities($level)) as e
        on c.entity_key = e.entity_key
)

select * from final
order by entity_id
