-- stg_item_facts: the item facts of every snapshot read, each item once (the latest snapshot wins).
-- grain: one row per inbound item
-- inputs: item_facts.parquet of each snapshot, through stg_latest
-- parameters (macro): files, dedupe (see stg_latest)
create or replace macro stg_item_facts(files, dedupe) as table
    select * from stg_latest(files, dedupe, 'item_id')
