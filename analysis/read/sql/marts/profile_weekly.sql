-- profile_weekly: the weekly trend of one or more pages or agencies (reply rate, median, goal).
-- grain: one row per entity and week (weeks start on Monday, Europe/Stockholm); weeks without
--   inbound items are absent.
-- inputs: stg_item_facts (macro), page_dim
-- parameters:
--   $files, $dedupe            item_facts.parquet paths and whether to deduplicate them
--   $level                     'page' | 'agency' (what $entity_ids name)
--   $entity_ids                list of page ids (level 'page') or agency names (level 'agency')
--   $scope                     'visitor_posts' | 'comments' | 'all' | 'questions'
--   $clock                     'wall' | 'business'
--   $since, $until             TIMESTAMPTZ bounds of the period, [since, until)
--   $pending_minutes           the pending window
with pages as (
    select
        page_id,
        sla_minutes,
        case when $level = 'agency' then agency else page_id end as entity_id
    from page_dim
),

items as (
    select
        p.entity_id,
        p.sla_minutes,
        f.created_at,
        f.reply_count > 0 as is_answered,
        f.reply_count = 0 and f.wall_minutes_observed < $pending_minutes as is_pending,
        case when $clock = 'business' then f.business_minutes else f.wall_minutes end
            as response_minutes
    from stg_item_facts($files, $dedupe) as f
    inner join pages as p on f.page_id = p.page_id
    where
        list_contains($entity_ids, p.entity_id)
        and f.created_at >= $since
        and f.created_at < $until
        and (
            $scope = 'all'
            or ($scope = 'questions' and f.is_question)
            or ($scope = 'visitor_posts' and f.kind = 'visitor_post')
            or ($scope = 'comments' and f.kind = 'comment')
        )
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
