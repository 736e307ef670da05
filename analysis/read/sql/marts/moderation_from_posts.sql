-- moderation_from_posts: moderation (see there) read from the posts — for snapshots written
--   before item facts carried is_hidden and has_personnummer.
-- grain: one row per entity of $entity_ids and month with an inbound item in the view
-- inputs: int_items_in_scope, int_inbound_posts (macros)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $post_files                posts.parquet paths (same snapshots as $files)
--   $entity_ids                list of page ids or agency names
-- is_hidden is NULL where the export did not say (the Graph API gives it for comments only);
-- has_personnummer is NULL for snapshots written before the flag existed: both are counted apart
-- (hidden_unknown, personnummer_unknown) and left out of the shares' bases.
with items as (
    select i.entity_id, i.created_at, p.is_hidden, p.has_personnummer
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    ) as i
    inner join int_inbound_posts($post_files, $dedupe) as p on i.item_id = p.post_id
    where list_contains($entity_ids, i.entity_id)
),

final as (
    select
        entity_id,
        date_trunc('month', timezone('Europe/Stockholm', created_at))::date as month_start,
        count(*) as inbound,
        count(*) filter (where is_hidden) as hidden,
        count(*) filter (where is_hidden is null) as hidden_unknown,
        count(*) filter (where has_personnummer) as with_personnummer,
        count(*) filter (where has_personnummer is null) as personnummer_unknown,
        count(*) filter (where has_personnummer and is_hidden) as personnummer_hidden,
        count(*) filter (where has_personnummer and is_hidden is not null)
            as personnummer_hidden_known
    from items
    group by entity_id, month_start
)

select * from final
order by entity_id, month_start
