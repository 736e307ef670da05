-- profile_slowest: the answered items that waited longest, with their (masked) text and link.
-- grain: one row per inbound item; at most $limit rows, the longest response time first.
-- inputs: stg_item_facts, stg_posts (macros), page_dim
-- parameters:
--   $files, $dedupe            item_facts.parquet paths and whether to deduplicate them
--   $post_files                posts.parquet paths (same snapshots as $files)
--   $level                     'page' | 'agency' (what $entity_ids name)
--   $entity_ids                list of page ids or agency names
--   $scope                     'visitor_posts' | 'comments' | 'all' | 'questions'
--   $clock                     'wall' | 'business'
--   $since, $until             TIMESTAMPTZ bounds of the period, [since, until)
--   $limit                     how many items
-- personal columns: message (masked at ingest)
with pages as (
    select
        page_id,
        page_name,
        case when $level = 'agency' then agency else page_id end as entity_id
    from page_dim
),

items as (
    select
        f.item_id,
        p.page_name,
        f.kind,
        f.created_at,
        f.first_reply_at,
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

slowest as (
    select *
    from items
    where response_minutes is not null
    order by response_minutes desc, created_at
    limit $limit
),

final as (
    select
        s.item_id,
        s.page_name,
        s.kind,
        s.created_at,
        s.first_reply_at,
        s.response_minutes,
        p.message,
        p.permalink_url
    from slowest as s
    left join stg_posts($post_files, $dedupe) as p on s.item_id = p.post_id
)

select * from final
order by response_minutes desc, created_at
