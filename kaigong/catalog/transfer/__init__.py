"""The catalogue file: export and import of the whole catalogue (format.py describes it)."""

from .export import catalog_export, catalog_export_data
from .format import FORMAT
from .importer import catalog_import, catalog_is_empty

__all__ = ["FORMAT", "catalog_export", "catalog_export_data", "catalog_import", "catalog_is_empty"]
