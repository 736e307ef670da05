-- profile_heatmap: when inbound items arrive and how long they wait, by local weekday and hour.
-- grain: one row per weekday (1 = Monday … 7 = Sunday) and hour of arrival (0–23,
--   Europe/Stockholm) that has at least one item, over all entities in $entity_ids together.
-- inputs: int_items_in_scope (macro)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $entity_ids                list of page ids or agency names
with items as (
    select
        timezone('Europe/Stockholm', created_at) as created_local,
        response_minutes
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

final as (
    select
        isodow(created_local) as weekday,
        hour(created_local) as hour,
        count(*) as arrivals,
        count(response_minutes) as timed,
        quantile_cont(response_minutes, 0.5) as median_response_min
    from items
    group by weekday, hour
)

select * from final
order by weekday, hour
