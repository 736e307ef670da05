-- within_goal: the share of items answered within a goal, per entity — the leaderboard's
--   "within goal" column on a common goal (rank.sql holds it on each page's own goal).
-- grain: one row per entity in $entity_ids with at least one item.
-- inputs: int_items_in_scope (macro)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $entity_ids                list of page ids or agency names
--   $goal_minutes              a common goal in minutes, or null for each page's own goal
-- The base is the ranking's (rank.sql): items past the pending window, answered ones that
-- cannot be timed left out; an unanswered item is a miss.
with items as (
    select
        entity_id,
        coalesce($goal_minutes::double, sla_minutes) as goal_minutes,
        is_answered,
        is_pending,
        response_minutes
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

counted as (
    select
        entity_id,
        count(*) filter (where not is_pending and not (is_answered and response_minutes is null))
            as sla_base,
        count(*) filter (where response_minutes <= goal_minutes) as within_goal
    from items
    group by entity_id
),

final as (
    select
        entity_id,
        sla_base,
        within_goal,
        within_goal / nullif(sla_base, 0) as within_goal_share
    from counted
)

select * from final
order by entity_id
