-- profile_slowest: the answered items that waited longest, with their (masked) text and link.
-- grain: one row per inbound item; at most $limit rows, the longest response time first.
-- inputs: int_items_in_scope (macro), stg_posts (macro)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $post_files                posts.parquet paths (same snapshots as $files)
--   $entity_ids                list of page ids or agency names
--   $limit                     how many items
-- personal columns: message (masked at ingest)
with items as (
    select item_id, page_name, kind, created_at, first_reply_at, response_minutes
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
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
