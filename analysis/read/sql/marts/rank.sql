-- rank: the leaderboard — reply rate, response times and rank per page or agency.
-- grain: one row per page (level = 'page') or agency (level = 'agency'); every page of the data
--   is listed, also those with no inbound items in the period.
-- inputs: int_entities, int_items_in_scope (macros)
-- The response-time buckets (answered_0_2h … answered_over_24h on the chosen clock, upper edges
-- inclusive: 120, 480, 1440 minutes), answered_untimed (only a reply stamped before the item),
-- unanswered (not pending) and pending add up to inbound.
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $min_items                 fewer rated items than this: listed, not ranked
--   $sector                    only pages of this sector (NULL: all)
--   $z                         normal quantile for the Wilson interval (1.96 for 95 %)
with entities as (
    select * from int_entities($level, $sector)
),

items as (
    select entity_key, sla_minutes, is_answered, is_pending, response_minutes, observed_minutes
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where $sector is null or sector = $sector
),

-- One hash aggregation does the counting and builds the Kaplan–Meier steps: items are grouped
-- by entity and by their time on a grid — whole minutes up to a day, 15 minutes up to a week,
-- whole days beyond — with what became of them counted per cell (timed answer, untimed answer,
-- pending), so each page's curve has thousands of steps instead of one per item, and the counts
-- are sums over those cells. Two keys and conditional counts rather than the outcome as three
-- more keys: fewer, wider groups aggregate faster. The response-time buckets are read off the
-- grid: their edges (120, 480, 1440) are whole minutes within the first day, where a cell t
-- holds the times in (t - 1, t]. Answered items are KM events at their response time;
-- unanswered ones (pending or not) are censored at the time they had been waiting when the
-- snapshot was taken; answered items that cannot be timed (only a reply stamped before the
-- item) are left out of the curve and of the SLA share rather than counted as a miss.
timed_items as (
    select
        *,
        coalesce(response_minutes, observed_minutes) as raw_t,
        case
            when raw_t <= 1440 then ceil(raw_t)
            when raw_t <= 10080 then ceil(raw_t / 15) * 15
            else ceil(raw_t / 1440) * 1440
        end::integer as t
    from items
),

grid as (
    select
        entity_key,
        t,
        count(*) as items,
        count(response_minutes) as timed,
        count(*) filter (where is_answered and response_minutes is null) as untimed,
        count(*) filter (where is_pending) as pending,
        count(*) filter (where response_minutes <= sla_minutes) as within_sla
    from timed_items
    group by entity_key, t
),

counts as (
    select
        entity_key,
        sum(items) as inbound,
        sum(timed) + sum(untimed) as answered,
        sum(pending) as pending,
        sum(timed) as timed,
        sum(within_sla) as within_sla,
        coalesce(sum(timed) filter (where t <= 120), 0) as answered_0_2h,
        coalesce(sum(timed) filter (where t > 120 and t <= 480), 0) as answered_2_8h,
        coalesce(sum(timed) filter (where t > 480 and t <= 1440), 0) as answered_8_24h,
        coalesce(sum(timed) filter (where t > 1440), 0) as answered_over_24h,
        sum(items) - sum(untimed) - sum(pending) as sla_base
    from grid
    group by entity_key
),

-- the curve's steps: per entity and grid time, the items there (untimed answers left out) and
-- the events among them, and the items still at risk (the entity's total minus those before)
curve_cells as (
    select entity_key, t, items - untimed as items, timed
    from grid
    where items > untimed
),

steps as (
    select
        entity_key,
        t,
        timed,
        sum(items) over (partition by entity_key) - coalesce(sum(items) over before_t, 0)
            as at_risk
    from curve_cells
    window before_t as (
        partition by entity_key order by t rows between unbounded preceding and 1 preceding
    )
),

-- the median and 90th percentile, exact (linear interpolation between the closest ranks), in
-- one aggregation over the timed items: a sort per entity
quantile_lists as (
    select entity_key, quantile_cont(response_minutes, [0.5, 0.9]) as qs
    from items
    where response_minutes is not null
    group by entity_key
),

quantile_pairs as (
    select entity_key, qs[1] as median_response_min, qs[2] as p90_response_min
    from quantile_lists
),

km_at_risk as (
    select entity_key, t, timed as events, at_risk
    from steps
),

km_curve as (
    select
        entity_key,
        t,
        events,
        exp(sum(ln(greatest(1 - events / at_risk, 1e-300))) over (
            partition by entity_key order by t rows unbounded preceding
        )) as survival
    from km_at_risk
    where events > 0  -- only events move the curve; censored steps counted in at_risk above
),

km as (
    select entity_key, min(t)::double as km_median_response_min
    from km_curve
    where events > 0 and survival <= 0.5 + 1e-9
    group by entity_key
),

measured as (
    select
        e.*,
        coalesce(c.inbound, 0) as inbound,
        coalesce(c.answered, 0) as answered,
        coalesce(c.pending, 0) as pending,
        coalesce(c.inbound - c.pending, 0) as rated,
        coalesce(c.timed, 0) as timed,
        coalesce(c.answered_0_2h, 0)::bigint as answered_0_2h,
        coalesce(c.answered_2_8h, 0)::bigint as answered_2_8h,
        coalesce(c.answered_8_24h, 0)::bigint as answered_8_24h,
        coalesce(c.answered_over_24h, 0)::bigint as answered_over_24h,
        coalesce(c.answered - c.timed, 0)::bigint as answered_untimed,
        coalesce(c.inbound - c.pending - c.answered, 0)::bigint as unanswered,
        q.median_response_min,
        q.p90_response_min,
        c.within_sla / nullif(c.sla_base, 0) as within_sla_share,
        k.km_median_response_min
    from entities as e
    left join counts as c on e.entity_key = c.entity_key
    left join quantile_pairs as q on e.entity_key = q.entity_key
    left join km as k on e.entity_key = k.entity_key
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
        rated >= $min_items as is_ranked,
        answered_0_2h,
        answered_2_8h,
        answered_8_24h,
        answered_over_24h,
        answered_untimed,
        unanswered
    from wilson
)

select * from final
order by rank asc nulls last, inbound desc, page_name
