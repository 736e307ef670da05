-- profile_activity: the page's own posts beside the inbound items they draw, week by week.
-- grain: one row per entity and week (Monday, Europe/Stockholm) with a page post or an
--   inbound item.
-- inputs: stg_item_facts, stg_posts (macros), page_dim
-- parameters:
--   $files, $dedupe            item_facts.parquet paths and whether to deduplicate them
--   $post_files                posts.parquet paths (same snapshots as $files)
--   $level                     'page' | 'agency' (what $entity_ids name)
--   $entity_ids                list of page ids or agency names
--   $scope                     'visitor_posts' | 'comments' | 'all' | 'questions' (inbound only)
--   $since, $until             TIMESTAMPTZ bounds of the period, [since, until)
with pages as (
    select
        page_id,
        case when $level = 'agency' then agency else page_id end as entity_id
    from page_dim
),

page_posts as (
    select
        p.entity_id,
        date_trunc('week', timezone('Europe/Stockholm', s.created_at))::date as week_start,
        count(*) as page_posts
    from stg_posts($post_files, $dedupe) as s
    inner join pages as p on s.page_id = p.page_id
    where
        s.kind = 'page_post'
        and list_contains($entity_ids, p.entity_id)
        and s.created_at >= $since
        and s.created_at < $until
    group by p.entity_id, week_start
),

inbound as (
    select
        p.entity_id,
        date_trunc('week', timezone('Europe/Stockholm', f.created_at))::date as week_start,
        count(*) as inbound
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
    group by p.entity_id, week_start
),

final as (
    select
        coalesce(a.entity_id, b.entity_id) as entity_id,
        coalesce(a.week_start, b.week_start) as week_start,
        coalesce(a.page_posts, 0) as page_posts,
        coalesce(b.inbound, 0) as inbound
    from page_posts as a
    full outer join inbound as b on a.entity_id = b.entity_id and a.week_start = b.week_start
)

select * from final
order by entity_id, week_start
