"""The privacy officer's tools: the audit viewer (filters, keyset paging, chain check, CSV export)."""
