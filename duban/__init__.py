"""duban (督办): read Chinese government work plans into a responsibility ledger."""

__version__ = "0.1.0"
