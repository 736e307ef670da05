-- profile_distribution: how long answered items waited, in response-time bins.
-- grain: one row per entity and bin that holds at least one answered, timed item.
-- inputs: stg_item_facts (macro), page_dim
-- parameters:
--   $files, $dedupe            item_facts.parquet paths and whether to deduplicate them
--   $level                     'page' | 'agency' (what $entity_ids name)
--   $entity_ids                list of page ids or agency names
--   $scope                     'visitor_posts' | 'comments' | 'all' | 'questions'
--   $clock                     'wall' | 'business'
--   $since, $until             TIMESTAMPTZ bounds of the period, [since, until)
--   $edges                     ascending lower bin edges in minutes, the first 0; bin i holds
--                              times in [edges[i], edges[i + 1]), the last bin is open-ended
with pages as (
    select
        page_id,
        case when $level = 'agency' then agency else page_id end as entity_id
    from page_dim
),

items as (
    select
        p.entity_id,
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
