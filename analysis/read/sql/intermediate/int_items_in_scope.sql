-- int_items_in_scope: the inbound items a view counts, with their entity and their times on the
--   chosen clock — the one definition of scope, period and clock that every mart selects from.
-- grain: one row per inbound item of the period and scope (each item once across snapshots)
-- inputs: stg_item_facts (macro), int_page_entities (macro)
-- parameters (macro):
--   files, dedupe              item_facts.parquet paths and whether to deduplicate them
--   level                      'page' | 'agency' (what entity_id names)
--   scope                      'visitor_posts' | 'comments' | 'all' | 'questions'
--   clock                      'wall' | 'business'
--   since, until               TIMESTAMPTZ bounds of the period, [since, until)
--   pending_minutes            the pending window: an unanswered item younger than this is pending
-- response_minutes is NULL for an unanswered item and for one whose only reply is stamped before
-- it; observed_minutes is how long an item had been waiting when the snapshot was taken.
create or replace macro int_items_in_scope(
    files, dedupe, level, scope, clock, since, until, pending_minutes
) as table
    select
        f.item_id,
        f.page_id,
        f.kind,
        f.created_at,
        f.is_question,
        f.observed_at,
        f.reply_count,
        f.first_reply_at,
        f.wall_minutes_observed,
        -- the flags of snapshots written since item facts carry them (analysis/contract.py);
        -- none for older ones
        f.* exclude (
            item_id, page_id, kind, created_at, is_question, observed_at, reply_count,
            first_reply_at, has_reply_before_item, wall_minutes, business_minutes,
            wall_minutes_observed, business_minutes_observed
        ),
        p.page_name,
        p.agency,
        p.sector,
        p.sla_minutes,
        p.entity_id,
        p.entity_name,
        p.entity_key,
        f.reply_count > 0 as is_answered,
        f.reply_count = 0 and f.wall_minutes_observed < pending_minutes as is_pending,
        case when clock = 'business' then f.business_minutes else f.wall_minutes end
            as response_minutes,
        case
            when clock = 'business' then f.business_minutes_observed
            else f.wall_minutes_observed
        end as observed_minutes
    from stg_item_facts(files, dedupe) as f
    inner join int_page_entities(level) as p on f.page_id = p.page_id
    where
        f.created_at >= since
        and f.created_at < until
        and (
            scope = 'all'
            or (scope = 'questions' and f.is_question)
            or (scope = 'visitor_posts' and f.kind = 'visitor_post')
            or (scope = 'comments' and f.kind = 'comment')
        )
