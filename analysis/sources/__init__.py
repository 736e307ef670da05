"""Where raw rows come from: each source turns its input into the raw tables of
`analysis.contract` (pages, posts, replies) and hands them to the snapshot writer.

`graph_api` reads Graph API page exports; `demo` generates the synthetic world of the 2017 study;
`buffer` holds what a source has read, compactly and deduplicated, until the writer takes it.
May import `analysis.contract`, `analysis.errors`, `analysis.hours`, `analysis.registry`, the
masker (for quarantined copies) and the snapshot writer (the demo writes its own snapshot);
never the read side.
"""
