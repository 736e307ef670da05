-- storms: bursts of inbound items on a page, with reply rate and median response time during
--   each storm against the same page outside its storms.
-- grain: one row per storm (a page's run of consecutive hot windows) of the entities asked for
-- inputs: int_items_in_scope, int_page_entities (macros)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $page_ids                  the pages of the entities asked for (page ids)
--   $window_minutes            the window length (windows are fixed clock quarters for 15)
--   $factor, $min_items        a window is hot when its arrivals reach
--                              greatest($factor × the page's usual rate, $min_items)
-- The page's usual rate is the median arrivals over its windows with at least one arrival in
-- the view. Storms are detected per page, also at agency level (entity_id names the agency).
-- The items are read at page level whatever the level, so entity_key numbers the pages: the
-- windows are grouped by that integer rather than by the page id's text. The items are read
-- twice — for the windows, then those of the pages with a storm, to tag each with its storm by
-- its window (an equality join on the few hot windows, not a range join) — rather than held in
-- memory between: item facts are stored by page, so the second read skips the row groups of
-- pages without storms. The page's name and entity are looked up per storm.
with windows as (
    select
        entity_key as page_key,
        epoch_us(created_at) // ($window_minutes * 60000000) as w,
        count(*) as arrivals
    from int_items_in_scope(
        $files, $dedupe, 'page', $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($page_ids, entity_id)  -- at page level, the page id
    group by page_key, w
),

usual as (
    select
        page_key,
        quantile_cont(arrivals, 0.5) as usual_rate,
        greatest($factor * quantile_cont(arrivals, 0.5), $min_items) as threshold
    from windows
    group by page_key
),

hot as (
    select
        w.page_key,
        w.w,
        w.arrivals,
        u.usual_rate,
        u.threshold,
        w.w - row_number() over (partition by w.page_key order by w.w) as run
    from windows as w
    inner join usual as u on w.page_key = u.page_key
    where w.arrivals >= u.threshold
),

runs as (
    select
        page_key,
        run,
        min(w) as first_w,
        max(w) as last_w,
        count(*) as windows,
        any_value(usual_rate) as usual_rate,
        any_value(threshold) as threshold,
        row_number() over (partition by page_key order by min(w)) as storm_no
    from hot
    group by page_key, run
),

hot_windows as (
    select h.page_key, h.w, r.storm_no
    from hot as h
    inner join runs as r on h.page_key = r.page_key and h.run = r.run
),

storm_pages as (
    select page_id
    from int_page_entities('page')
    where entity_key in (select page_key from runs)
),

-- the pages without a storm have nothing to compare
tagged as (
    select i.*, h.storm_no
    from (
        select
            entity_key as page_key,
            created_at,
            is_answered,
            is_pending,
            response_minutes,
            epoch_us(created_at) // ($window_minutes * 60000000) as w
        from int_items_in_scope(
            $files, $dedupe, 'page', $scope, $clock, $since, $until, $pending_minutes
        )
        where page_id in (select page_id from storm_pages)
    ) as i
    left join hot_windows as h on i.page_key = h.page_key and i.w = h.w
),

during as (
    select
        page_key,
        storm_no,
        min(created_at) as first_item_at,
        max(created_at) as last_item_at,
        count(*) as size,
        count(*) filter (where is_answered) as answered,
        count(*) filter (where is_pending) as pending,
        count(*) filter (where is_answered) / nullif(count(*) filter (where not is_pending), 0)
            as reply_rate,
        quantile_cont(response_minutes, 0.5) as median_response_min
    from tagged
    where storm_no is not null
    group by page_key, storm_no
),

outside as (
    select
        page_key,
        count(*) as items_outside,
        count(*) filter (where is_answered) / nullif(count(*) filter (where not is_pending), 0)
            as reply_rate_outside,
        quantile_cont(response_minutes, 0.5) as median_response_min_outside
    from tagged
    where storm_no is null
    group by page_key
),

final as (
    select
        p.entity_id,
        p.page_id,
        p.page_name,
        d.storm_no,
        to_timestamp(r.first_w * $window_minutes * 60) as start_at,
        to_timestamp((r.last_w + 1) * $window_minutes * 60) as end_at,
        r.windows * $window_minutes as duration_min,
        d.first_item_at,
        d.last_item_at,
        d.size,
        r.usual_rate,
        r.threshold,
        d.answered,
        d.pending,
        d.reply_rate,
        d.median_response_min,
        coalesce(o.items_outside, 0) as items_outside,
        o.reply_rate_outside,
        o.median_response_min_outside
    from during as d
    inner join runs as r on d.page_key = r.page_key and d.storm_no = r.storm_no
    inner join int_page_entities('page') as k on d.page_key = k.entity_key
    inner join int_page_entities($level) as p on k.page_id = p.page_id
    left join outside as o on d.page_key = o.page_key
)

select * from final
order by start_at, page_id
