"""The dashboard's building blocks: URL state, strings, formats, theme, charts and cached data.

Pages (views/*.py) stay thin by calling these; nothing here holds SQL (that lives in analysis/),
and ui/data.py is the only module that caches.
"""
