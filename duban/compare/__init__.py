"""Comparing plans (docs/compare.md): which tasks of a plan the plans taking it up carry (承接), plans of one
level side by side, and one body's two years. Reads extracted records (from files, or from the ledger through
stored.py); the sheets and pages that show a comparison sit above it (sheets/compared.py, web/views/compare.py)."""
