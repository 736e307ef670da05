-- profile_within_goal: the manager's question, "are we meeting the goal on Monday mornings?":
--   the share of items answered within the goal, by local weekday and hour of arrival.
-- grain: one row per weekday (1 = Monday … 7 = Sunday) and hour of arrival (0–23,
--   Europe/Stockholm) that has at least one item, over all entities in $entity_ids together.
-- inputs: int_items_in_scope (macro), int_goal (macros)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $entity_ids                list of page ids or agency names
--   $goal_minutes              a common goal in minutes, or null for each page's own goal
-- The base is the ranking's (rank.sql), defined once in int_goal.
with items as (
    select
        timezone('Europe/Stockholm', created_at) as created_local,
        int_in_goal_base(is_pending, is_answered, response_minutes) as in_goal_base,
        int_within_goal(response_minutes, sla_minutes, $goal_minutes) as is_within_goal
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

counted as (
    select
        isodow(created_local) as weekday,
        hour(created_local) as hour,
        count(*) filter (where in_goal_base) as sla_base,
        count(*) filter (where is_within_goal) as within_goal
    from items
    group by weekday, hour
),

final as (
    select
        weekday,
        hour,
        sla_base,
        within_goal,
        within_goal / nullif(sla_base, 0) as within_goal_share
    from counted
)

select * from final
order by weekday, hour
