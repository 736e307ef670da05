"""CSV and Excel tables into raw Svarstid rows: the long format, answer logs, Facepager exports.

`read.py` turns a file into sheets of cells (pandas for CSV, openpyxl for .xlsx), `values.py`
reads one cell as a time, an id or a duration, and one module per format turns a sheet's rows
into the contract's raw rows: `long.py` (Svarstid's open import format, docs/import-format.md),
`answer_log.py` (the agencies' Excel logs), `facepager.py`. `parse.py` ties them together
and yields one `ParseResult`, as the Graph API parser does, with notes on what it assumed.

`columns.py` names the formats and columns with no heavy import (the CLI's help uses it).
"""
