"""
The demo data as plain Python structures, one module per locality (DESIGN.md §8).

Nothing here touches the database: ``kaigong.demo.loader`` feeds these structures to the
services of accounts, catalog and projects, so the demo obeys the same rules as real use.
Figures the product shows (materials before/after merging, the key-project limit …) are
never written here: they are computed from the catalogue rows these structures create.
"""
