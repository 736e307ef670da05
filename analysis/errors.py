"""Errors that reach the user as one clear line (the CLI prints them and exits with status 2)."""

from __future__ import annotations


class SvarstidError(Exception):
    """A problem the user can fix: bad input, a bad data folder, a bad option."""

    exit_code = 2


class InputError(SvarstidError):
    """Bad input data; names the file and, where there is one, the item id."""

    def __init__(self, path: object, message: str, item_id: str | None = None):
        self.path = str(path)
        self.message = message
        self.item_id = item_id
        where = self.path if item_id is None else f"{self.path} (item {item_id})"
        super().__init__(f"{where}: {message}")


class DataDirError(SvarstidError):
    """The data folder cannot be read or written as the data contract says."""


class BusyError(SvarstidError):
    """Another ingest holds the data folder's lock."""
