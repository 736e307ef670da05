-- stg_pages: every page of every snapshot read, latest version wins.
-- grain: one row per page
-- inputs: pages.parquet of each snapshot (files, oldest first)
-- parameters: $files
select * exclude (filename)
from read_parquet($files, filename = true)
qualify row_number() over (partition by page_id order by filename desc) = 1
