-- profile_activity: the page's own posts beside the inbound items they draw, week by week.
-- grain: one row per entity and week (Monday, Europe/Stockholm) with a page post or an
--   inbound item.
-- inputs: int_page_posts, int_items_in_scope (macros)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $post_files                posts.parquet paths (same snapshots as $files)
--   $entity_ids                list of page ids or agency names
with page_posts as (
    select
        entity_id,
        date_trunc('week', timezone('Europe/Stockholm', created_at))::date as week_start,
        count(*) as page_posts
    from int_page_posts($post_files, $dedupe, $level, $since, $until)
    where list_contains($entity_ids, entity_id)
    group by entity_id, week_start
),

inbound as (
    select
        entity_id,
        date_trunc('week', timezone('Europe/Stockholm', created_at))::date as week_start,
        count(*) as inbound
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
    group by entity_id, week_start
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
