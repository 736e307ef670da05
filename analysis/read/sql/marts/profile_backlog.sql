-- profile_backlog: how many inbound items are waiting for the page, by local weekday and hour —
--   the Monday-morning backlog. An item waits from its arrival until its first reply; one that
--   is never answered waits for the pending window (then it counts as ignored) or until the
--   snapshot was taken, whichever is first. Wall clock: the queue a visitor sees.
-- grain: one row per weekday (1 = Monday … 7 = Sunday) and hour (0–23, Europe/Stockholm), the
--   queue length at the start of each hour averaged over the weeks of the period, over all
--   entities in $entity_ids together.
-- inputs: int_items_in_scope (macro)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $entity_ids                list of page ids or agency names
with items as (
    select
        created_at as waiting_from,
        case
            when first_reply_at is not null then first_reply_at
            when reply_count > 0 then created_at  -- only a reply stamped before the item
            else least(
                created_at + to_microseconds(($pending_minutes * 60e6)::bigint),
                greatest(observed_at, created_at)
            )
        end as waiting_until
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

bounds as (
    select
        date_trunc('hour', greatest(min(waiting_from), $since)) as first_hour,
        least(max(waiting_until), $until) as last_instant
    from items
    having count(*) > 0  -- no items, no hours (greatest/least would skip the NULLs)
),

hours as (
    select unnest(generate_series(first_hour, last_instant, interval 1 hour)) as sample_at
    from bounds
),

-- arrivals (+1), departures (-1) and the hourly samples (0) in one stream: a sample's running
-- sum counts every arrival and departure at or before it, which is the queue at that instant.
-- (One sort of the stream; an ASOF join against a windowed CTE took seconds here.)
events as (
    select waiting_from as event_at, 1 as delta, false as is_sample from items
    union all
    select waiting_until as event_at, -1 as delta, false as is_sample from items
    union all
    select sample_at as event_at, 0 as delta, true as is_sample from hours
),

sampled as (
    select
        timezone('Europe/Stockholm', event_at) as local_at,
        is_sample,
        sum(delta) over (order by event_at, is_sample rows unbounded preceding) as waiting
    from events
    qualify is_sample
),

final as (
    select
        isodow(local_at) as weekday,
        hour(local_at) as hour,
        avg(waiting) as mean_waiting,
        max(waiting) as max_waiting,
        count(*) as count_samples
    from sampled
    group by weekday, hour
)

select * from final
order by weekday, hour
