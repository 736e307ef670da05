-- profile_distribution: how long answered items waited, in response-time bins.
-- grain: one row per entity and bin that holds at least one answered, timed item.
-- inputs: int_items_in_scope (macro)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $entity_ids                list of page ids or agency names
--   $edges                     ascending lower bin edges in minutes, the first 0; bin i holds
--                              times in [edges[i], edges[i + 1]), the last bin is open-ended
with items as (
    select entity_id, response_minutes
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

binned as (
    select
        entity_id,
        len(list_filter($edges, lambda e: e <= response_minutes)) - 1 as bin
    from items
    where response_minutes is not null
),

final as (
    select
        entity_id,
        bin,
        count(*) as count_items,
        count(*) / sum(count(*)) over (partition by entity_id) as share
    from binned
    group by entity_id, bin
)

select * from final
order by entity_id, bin
