-- profile_unanswered: the latest items nobody answered (pending ones left out), with their
--   (masked) text and link.
-- grain: one row per inbound item; at most $limit rows, the newest first.
-- inputs: stg_item_facts, stg_posts (macros), page_dim
-- parameters:
--   $files, $dedupe            item_facts.parquet paths and whether to deduplicate them
--   $post_files                posts.parquet paths (same snapshots as $files)
--   $level                     'page' | 'agency' (what $entity_ids name)
--   $entity_ids                list of page ids or agency names
--   $scope                     'visitor_posts' | 'comments' | 'all' | 'questions'
--   $since, $until             TIMESTAMPTZ bounds of the period, [since, until)
--   $pending_minutes           the pending window
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
        f.wall_minutes_observed as waited_minutes
    from stg_item_facts($files, $dedupe) as f
    inner join pages as p on f.page_id = p.page_id
    where
        list_contains($entity_ids, p.entity_id)
        and f.created_at >= $since
        and f.created_at < $until
        and f.reply_count = 0
        and f.wall_minutes_observed >= $pending_minutes
        and (
            $scope = 'all'
            or ($scope = 'questions' and f.is_question)
            or ($scope = 'visitor_posts' and f.kind = 'visitor_post')
            or ($scope = 'comments' and f.kind = 'comment')
        )
),

latest as (
    select *
    from items
    order by created_at desc, item_id
    limit $limit
),

final as (
    select
        l.item_id,
        l.page_name,
        l.kind,
        l.created_at,
        l.waited_minutes,
        p.message,
        p.permalink_url
    from latest as l
    left join stg_posts($post_files, $dedupe) as p on l.item_id = p.post_id
)

select * from final
order by created_at desc, item_id
