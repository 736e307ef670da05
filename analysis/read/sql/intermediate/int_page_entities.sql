-- int_page_entities: each page with the entity it counts towards at the chosen level.
-- grain: one row per page of page_dim
-- inputs: page_dim (registry-joined pages, built in analysis/read/dataset.py)
-- parameters (macro): level — 'page' (each page is its own entity) | 'agency' (pages pool by agency)
-- entity_key numbers the entities 1…n: the marts group by it rather than by the entity's text,
-- which halves the time of the ranking's aggregations.
create or replace macro int_page_entities(level) as table
    select
        *,
        case when level = 'agency' then agency else page_id end as entity_id,
        case when level = 'agency' then agency else page_name end as entity_name,
        dense_rank() over (
            order by case when level = 'agency' then agency else page_id end
        )::integer as entity_key
    from page_dim
