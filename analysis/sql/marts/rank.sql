-- rank: the leaderboard — reply rate, response times and rank per page or agency.
-- grain: one row per page (level = 'page') or agency (level = 'agency'); every page of the data
--   is listed, also those with no inbound items in the period.
-- inputs: stg_item_facts (macro), page_dim (registry-joined pages, built in analysis/dataset.py)
-- parameters:
--   $files, $dedupe            item_facts.parquet paths and whether to deduplicate them
--   $level                     'page' | 'agency'
--   $scope                     'visitor_posts' | 'comments' | 'all' | 'questions'
--   $clock                     'wall' | 'business'
--   $since, $until             TIMESTAMPTZ bounds of the period, [since, until)
--   $pending_minutes           the pending window (an unanswered item younger than this is pending)
--   $min_items                 fewer rated items than this: listed, not ranked
--   $sector                    only pages of this sector (NULL: all)
--   $z                         normal quantile for the Wilson interval (1.96 for 95 %)
with pages as (
    select
        *,
        case when $level = 'agency' then agency else page_id end as entity_id,
        case when $level = 'agency' then agency else page_name end as entity_name
    from page_dim
    where $sector is null or sector = $sector
),

entities as (
    select
        entity_id,
        any_value(entity_name) as entity_name,
        any_value(agency) as agency,
        any_value(sector) as sector,
        bool_or(accepts_visitor_posts) as accepts_visitor_posts,
        count(*) as count_pages
    from pages
    group by entity_id
),

items as (
    select
        p.entity_id,
        p.sla_minutes,
        f.reply_count > 0 as is_answered,
        f.reply_count = 0 and f.wall_minutes_observed < $pending_minutes as is_pending,
        case when $clock = 'business' then f.business_minutes else f.wall_minutes end
            as response_minutes,
        case
            when $clock = 'business' then f.business_minutes_observed
            else f.wall_minutes_observed
        end as observed_minutes
    from stg_item_facts($files, $dedupe) as f
    inner join pages as p on f.page_id = p.page_id
    where
        f.created_at >= $since
        and f.created_at < $until
        and (
            $scope = 'all'
            or ($scope = 'questions' and f.is_question)
            or ($scope = 'visitor_posts' and f.kind = 'visitor_post')
            or ($scope = 'comments' and f.kind = 'comment')
        )
),

counts as (
    select
        entity_id,
        count(*) as inbound,
        count(*) filter (where is_answered) as answered,
        count(*) filter (where is_pending) as pending,
        count(*) filter (where response_minutes is not null) as timed,
        count(*) filter (where response_minutes <= sla_minutes) as within_sla,
        -- answered items that cannot be timed (only a reply stamped before the item) are left
        -- out of the SLA share rather than counted as a miss
        count(*) filter (where not is_pending and not (is_answered and response_minutes is null))
            as sla_base,
        quantile_cont(response_minutes, 0.5) as median_response_min,
        quantile_cont(response_minutes, 0.9) as p90_response_min
    from items
    group by entity_id
),

-- Kaplan–Meier: answered items are events at their response time; unanswered ones (pending or
-- not) are censored at the time they had been waiting when the snapshot was taken. Times are
-- put on a grid first — whole minutes up to a day, 15 minutes up to a week, hours beyond — so
-- the curve has thousands of steps per page instead of one per item (5× faster at 5M items).
km_times as (
    select
        entity_id,
        response_minutes,
        coalesce(response_minutes, observed_minutes) as raw_t,
        case
            when raw_t <= 1440 then ceil(raw_t)
            when raw_t <= 10080 then ceil(raw_t / 15) * 15
            else ceil(raw_t / 60) * 60
        end as t
    from items
    where not (is_answered and response_minutes is null)
),

km_steps as (
    select
        entity_id,
        t,
        count(*) filter (where response_minutes is not null) as events,
        count(*) as leaving
    from km_times
    group by entity_id, t
),

km_at_risk as (
    select
        *,
        sum(leaving) over (
            partition by entity_id order by t desc rows unbounded preceding
        ) as at_risk
    from km_steps
),

km_curve as (
    select
        entity_id,
        t,
        events,
        exp(sum(ln(greatest(1 - events / at_risk, 1e-300))) over (
            partition by entity_id order by t rows unbounded preceding
        )) as survival
    from km_at_risk
),

km as (
    select entity_id, min(t) as km_median_response_min
    from km_curve
    where events > 0 and survival <= 0.5 + 1e-9
    group by entity_id
),

measured as (
    select
        e.*,
        coalesce(c.inbound, 0) as inbound,
        coalesce(c.answered, 0) as answered,
        coalesce(c.pending, 0) as pending,
        coalesce(c.inbound - c.pending, 0) as rated,
        coalesce(c.timed, 0) as timed,
        c.median_response_min,
        c.p90_response_min,
        c.within_sla / nullif(c.sla_base, 0) as within_sla_share,
        k.km_median_response_min
    from entities as e
    left join counts as c on e.entity_id = c.entity_id
    left join km as k on e.entity_id = k.entity_id
),

rated as (
    select
        *,
        answered / nullif(rated, 0) as reply_rate,
        $z * $z as z2
    from measured
),

wilson as (
    select
        *,
        (reply_rate + z2 / (2 * rated)) / (1 + z2 / rated) as wilson_center,
        $z * sqrt(reply_rate * (1 - reply_rate) / rated + z2 / (4 * rated * rated))
            / (1 + z2 / rated) as wilson_half
    from rated
),

final as (
    select
        case when rated >= $min_items then rank() over (
            partition by rated >= $min_items
            order by reply_rate desc, median_response_min asc nulls last
        ) end as rank,
        entity_id as page_id,
        entity_name as page_name,
        agency,
        accepts_visitor_posts,
        inbound,
        answered,
        pending,
        reply_rate,
        -- greatest/least skip NULLs, so guard the empty case explicitly
        case when rated > 0 then greatest(wilson_center - wilson_half, 0) end as reply_rate_low,
        case when rated > 0 then least(wilson_center + wilson_half, 1) end as reply_rate_high,
        median_response_min,
        p90_response_min,
        within_sla_share,
        km_median_response_min,
        sector,
        count_pages,
        rated,
        timed,
        rated >= $min_items as is_ranked
    from wilson
)

select * from final
order by rank asc nulls last, inbound desc, page_name
