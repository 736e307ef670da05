"""Svarstid analysis: ingest page exports, store Parquet snapshots, compute response metrics."""

__version__ = "0.1.0"
