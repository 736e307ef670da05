-- within_goal: the share of items answered within a goal, per entity — the leaderboard's
--   "within goal" column on a common goal (rank.sql holds it on each page's own goal).
-- grain: one row per entity in $entity_ids with at least one item.
-- inputs: int_items_in_scope (macro), int_goal (macros)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $entity_ids                list of page ids or agency names
--   $goal_minutes              a common goal in minutes, or null for each page's own goal
-- The base is the ranking's (rank.sql), defined once in int_goal.
with items as (
    select
        entity_id,
        int_in_goal_base(is_pending, is_answered, response_minutes) as in_goal_base,
        int_within_goal(response_minutes, sla_minutes, $goal_minutes) as is_within_goal
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

counted as (
    select
        entity_id,
        count(*) filter (where in_goal_base) as sla_base,
        count(*) filter (where is_within_goal) as within_goal
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
