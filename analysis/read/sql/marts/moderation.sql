-- moderation: inbound items the page hid, items in which masking found a personnummer, and how
--   many of those the page hid — per entity and month (Europe/Stockholm).
-- grain: one row per entity of $entity_ids and month with an inbound item in the view
-- inputs: int_items_in_scope, int_page_entities (macros), with the flags of item facts (is_hidden, has_personnummer:
--   analysis/snapshot/item_facts.sql; insights runs moderation_from_posts for snapshots whose
--   item facts lack them)
-- parameters:
--   the view's filters: $files, $dedupe, $level, $scope, $clock, $since, $until and
--     $pending_minutes, passed on to int_items_in_scope (see there)
--   $entity_ids                list of page ids or agency names
-- is_hidden is NULL where the export did not say (the Graph API gives it for comments only);
-- has_personnummer is NULL for snapshots written before the flag existed: both are counted apart
-- (hidden_unknown, personnummer_unknown) and left out of the shares' bases.
-- The items are counted per UTC hour first and the hours put in their Stockholm month after:
-- Stockholm's offset from UTC is whole hours, so an hour is in one month, and the time zone is
-- looked up once per hour instead of once per item; the hours are grouped by entity_key (an
-- integer), the entity's id looked up after.
with items as (
    select
        entity_key,
        epoch_us(created_at) // 3600000000 as hour_no,
        is_hidden,
        has_personnummer
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),

hourly as (
    select
        entity_key,
        hour_no,
        count(*) as inbound,
        count(*) filter (where is_hidden) as hidden,
        count(*) filter (where is_hidden is null) as hidden_unknown,
        count(*) filter (where has_personnummer) as with_personnummer,
        count(*) filter (where has_personnummer is null) as personnummer_unknown,
        count(*) filter (where has_personnummer and is_hidden) as personnummer_hidden,
        count(*) filter (where has_personnummer and is_hidden is not null)
            as personnummer_hidden_known
    from items
    group by entity_key, hour_no
),

monthly as (
    select
        entity_key,
        date_trunc('month', timezone('Europe/Stockholm', to_timestamp(hour_no * 3600)))::date
            as month_start,
        sum(inbound)::bigint as inbound,
        sum(hidden)::bigint as hidden,
        sum(hidden_unknown)::bigint as hidden_unknown,
        sum(with_personnummer)::bigint as with_personnummer,
        sum(personnummer_unknown)::bigint as personnummer_unknown,
        sum(personnummer_hidden)::bigint as personnummer_hidden,
        sum(personnummer_hidden_known)::bigint as personnummer_hidden_known
    from hourly
    group by entity_key, month_start
),

final as (
    select e.entity_id, m.* exclude (entity_key)
    from monthly as m
    inner join (select distinct entity_key, entity_id from int_page_entities($level)) as e
        on m.entity_key = e.entity_key
)

select * from final
order by entity_id, month_start
