-- history: each entity's rank, reply rate and median per calendar month or quarter — rank.sql's
--   ranking of every period at once, with the rank of the period before beside it.
-- grain: one row per period and page (level = 'page') or agency (level = 'agency'); every entity
--   is listed in every period, also those with no inbound items in it.
-- inputs: int_entities, int_items_in_scope (macros)
-- One aggregation by period and entity instead of one ranking per period: the counts, the median
-- and the order are rank.sql's (reply rate, then median; fewer rated items than $min_items:
-- listed, not ranked), so a period's row is what `rank --since … --until …` gives for it.
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock and $pending_minutes, passed on
--     to int_items_in_scope; $since, $until: from the start of the period before the first to
--     the end of the last (local midnights)
--   $period_starts             the first day of each period, the period before the first one
--                              included (it gives the first period its previous rank)
--   $hours, $hour_periods      every UTC hour from $since to $until (hours since the epoch) and
--                              the first day of the period holding it: a local midnight is a
--                              whole UTC hour, so an item's hour names its period (a join on a
--                              small table costs a fraction of a per-item time zone conversion)
--   $min_items                 fewer rated items than this: listed, not ranked
--   $sector                    only pages of this sector (NULL: all)
with entities as (
    select entity_id, entity_key, entity_name from int_entities($level, $sector)
),

periods as (
    select unnest($period_starts::date[]) as period_start
),

period_hours as (
    select unnest($hours::bigint[]) as hour, unnest($hour_periods::date[]) as period_start
),

items as (
    select
        h.period_start,
        i.entity_key,
        i.is_answered,
        i.is_pending,
        i.response_minutes
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    ) as i
    inner join period_hours as h on epoch_us(i.created_at) // 3600000000 = h.hour
    where $sector is null or i.sector = $sector
),

-- the median as rank.sql computes it (the same quantile list), so equal medians order alike
counts as (
    select
        period_start,
        entity_key,
        count(*) as inbound,
        count(*) filter (where is_answered) as answered,
        count(*) filter (where is_pending) as pending,
        quantile_cont(response_minutes, [0.5, 0.9])[1] as median_response_min
    from items
    group by period_start, entity_key
),

measured as (
    select
        p.period_start,
        e.entity_id,
        e.entity_name,
        coalesce(c.inbound, 0) as inbound,
        coalesce(c.answered, 0) as answered,
        coalesce(c.inbound - c.pending, 0) as rated,
        coalesce(c.answered, 0) / nullif(coalesce(c.inbound - c.pending, 0), 0) as reply_rate,
        c.median_response_min
    from periods as p
    cross join entities as e
    left join counts as c on p.period_start = c.period_start and e.entity_key = c.entity_key
),

ranked as (
    select
        *,
        case when rated >= $min_items then rank() over (
            partition by period_start, rated >= $min_items
            order by reply_rate desc, median_response_min asc nulls last
        ) end as rank
    from measured
),

final as (
    select
        period_start,
        entity_id as page_id,
        entity_name as page_name,
        rank,
        lag(rank) over (partition by entity_id order by period_start) as previous_rank,
        reply_rate,
        median_response_min,
        inbound,
        rated,
        rated >= $min_items as is_ranked
    from ranked
)

select * from final
where period_start > (select min(period_start) from periods)
order by period_start, rank asc nulls last, inbound desc, page_name
