"""How one snapshot is written: each batch of raw rows is checked against the contract, masked,
pseudonymised and given the text rules (`prepare`, using `privacy` and `text`); the item facts
are derived from the stored rows (`facts`); `writer` writes the files and commits the snapshot
atomically.

May import `analysis.contract`, `analysis.datafolder`, `analysis.hours`, `analysis.registry`,
`analysis.storage` (a data folder in object storage) and `analysis.errors`; never a source or
the read side.
"""
