"""Admin pages: login, escrows, reconciliation, CSV export."""
