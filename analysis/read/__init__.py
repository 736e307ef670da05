"""How snapshots are read: `dataset` opens a data folder (latest snapshot wins), `sql/` holds the
queries (staging macros, the one intermediate model of inbound items in scope, the marts), and
the Python functions that run the marts return DataFrames to the CLI and the dashboard.

May import `analysis.datafolder`, `analysis.registry`, `analysis.settings`, `analysis.errors`,
`analysis.storage` and `analysis.federation` (object storage, contributors); never a source or
the snapshot writer.
"""
