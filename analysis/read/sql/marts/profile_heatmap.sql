-- profile_heatmap: when inbound items arrive and how long they wait, by local weekday and hour.
-- grain: one row per weekday (1 = Monday … 7 = Sunday) and hour of arrival (0–23,
--   Europe/Stockholm) that has at least one item, over all entities in $entity_ids together.
-- inputs: stg_item_facts (macro), page_dim
-- parameters:
--   $files, $dedupe            item_facts.parquet paths and whether to deduplicate them
--   $level                     'page' | 'agency' (what $entity_ids name)
--   $entity_ids                list of page ids or agency names
--   $scope                     'visitor_posts' | 'comments' | 'all' | 'questions'
--   $clock                     'wall' | 'business'
--   $since, $until             TIMESTAMPTZ bounds of the period, [since, until)
with pages as (
    select
        page_id,
        case when $level = 'agency' then agency else page_id end as entity_id
    from page_dim
),

items as (
    select
        timezone('Europe/Stockholm', f.created_at) as created_local,
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
