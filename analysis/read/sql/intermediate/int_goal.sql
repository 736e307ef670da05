-- int_goal: what an item of int_items_in_scope is for the share answered within a goal — the
--   one definition of that base (rank.sql's), for marts that take a goal of their own.
-- grain: scalar macros, one value per item
-- inputs: the columns of int_items_in_scope (macro)
-- parameters (macro):
--   is_pending, is_answered, response_minutes, sla_minutes   the item's columns
--   goal_minutes               a common goal in minutes, or NULL for each page's own goal
-- In the base: past the pending window and, if answered, timed (an answer stamped before the
-- item cannot be timed and is left out); an unanswered item is in the base and a miss.
create or replace macro int_in_goal_base(is_pending, is_answered, response_minutes) as
    not is_pending and not (is_answered and response_minutes is null);

create or replace macro int_within_goal(response_minutes, sla_minutes, goal_minutes) as
    coalesce(response_minutes <= coalesce(goal_minutes::double, sla_minutes), false);
