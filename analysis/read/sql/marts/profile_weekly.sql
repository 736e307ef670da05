-- profile_weekly: the weekly trend of one or more pages or agencies (reply rate, median, goal).
-- grain: one row per entity and week (weeks start on Monday, Europe/Stockholm); weeks without
--   inbound items are absent.
-- inputs: int_items_in_scope (macro)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $entity_ids                list of page ids (level 'page') or agency names (level 'agency')
with items as (
    select entity_id, sla_minutes, created_at, is_answered, is_pending, response_minutes
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

weekly as (
    select
        entity_id,
        date_trunc('week', timezone('Europe/Stockholm', created_at))::date as week_start,
        count(*) as inbound,
        count(*) filter (where is_answered) as answered,
        count(*) filter (where is_pending) as pending,
        count(*) filter (where response_minutes <= sla_minutes) as within_sla,
        count(*) filter (where not is_pending and not (is_answered and response_minutes is null))
            as sla_base,
        quantile_cont(response_minutes, 0.5) as median_response_min,
        quantile_cont(response_minutes, 0.9) as p90_response_min
    from items
    group by entity_id, week_start
),

final as (
    select
        entity_id,
        week_start,
        inbound,
        answered,
        pending,
        inbound - pending as rated,
        answered / nullif(inbound - pending, 0) as reply_rate,
        median_response_min,
        p90_response_min,
        within_sla / nullif(sla_base, 0) as within_sla_share
    from weekly
)

select * from final
order by entity_id, week_start
