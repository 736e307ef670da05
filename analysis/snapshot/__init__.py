"""How one snapshot is written: validate the raw tables, mask personal data (`privacy`), apply the
text rules (`text`), pseudonymise visitors, derive the item facts (`facts`) and commit the
snapshot atomically (`writer`).

May import `analysis.contract`, `analysis.datafolder`, `analysis.hours`, `analysis.registry` and
`analysis.errors`; never a source or the read side.
"""
