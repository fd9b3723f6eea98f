"""Excel sheets: the ledger out to units and their filled sheets back in."""
