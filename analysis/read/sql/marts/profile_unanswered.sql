-- profile_unanswered: the latest items nobody answered (pending ones left out), with their
--   (masked) text and link.
-- grain: one row per inbound item; at most $limit rows, the newest first.
-- inputs: int_items_in_scope (macro), stg_posts (macro)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $post_files                posts.parquet paths (same snapshots as $files)
--   $entity_ids                list of page ids or agency names
--   $limit                     how many items
-- personal columns: message (masked at ingest)
with items as (
    select item_id, page_name, kind, created_at, wall_minutes_observed as waited_minutes
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where
        list_contains($entity_ids, entity_id)
        and reply_count = 0
        and not is_pending
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
