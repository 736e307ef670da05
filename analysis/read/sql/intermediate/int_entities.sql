-- int_entities: the entities a ranking lists — every entity of the chosen level among the pages
--   of a sector, with what the leaderboard shows beside it.
-- grain: one row per entity (page or agency) with a page in the sector
-- inputs: int_page_entities (macro)
-- parameters (macro): level (see int_page_entities); only_sector — only pages of this sector
--   (NULL: all); named so as not to read as the pages' own sector column
create or replace macro int_entities(level, only_sector) as table
    select
        entity_id,
        any_value(entity_key) as entity_key,
        any_value(entity_name) as entity_name,
        any_value(agency) as agency,
        any_value(sector) as sector,
        bool_or(accepts_visitor_posts) as accepts_visitor_posts,
        count(*) as count_pages
    from int_page_entities(level)
    where only_sector is null or sector = only_sector
    group by entity_id
