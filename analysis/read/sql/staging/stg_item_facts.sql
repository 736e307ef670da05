-- stg_item_facts: the item facts of every snapshot read, each item once (the latest snapshot wins).
-- grain: one row per inbound item
-- inputs: item_facts.parquet of each snapshot (files, oldest first)
-- parameters (macro): files — Parquet paths; dedupe — false when only one snapshot is read, so
--   the optimiser drops the deduplicating branch and a single snapshot is a plain scan.
create or replace macro stg_item_facts(files, dedupe) as table
    select * exclude (filename)
    from read_parquet(files, filename = true)
    where not dedupe

    union all by name

    select * exclude (filename)
    from read_parquet(files, filename = true)
    where dedupe
    qualify row_number() over (partition by item_id order by filename desc) = 1
