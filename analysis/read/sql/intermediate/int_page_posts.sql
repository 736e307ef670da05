-- int_page_posts: the pages' own posts of a period, with the entity they count towards.
-- grain: one row per page post (each post once across snapshots)
-- inputs: stg_posts (macro), int_page_entities (macro)
-- parameters (macro):
--   post_files, dedupe         posts.parquet paths and whether to deduplicate them
--   level                      'page' | 'agency' (what entity_id names)
--   since, until               TIMESTAMPTZ bounds of the period, [since, until)
create or replace macro int_page_posts(post_files, dedupe, level, since, until) as table
    select
        s.post_id,
        s.page_id,
        s.created_at,
        p.entity_id
    from stg_posts(post_files, dedupe) as s
    inner join int_page_entities(level) as p on s.page_id = p.page_id
    where
        s.kind = 'page_post'
        and s.created_at >= since
        and s.created_at < until
