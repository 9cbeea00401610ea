"""The privacy officer's pages: the audit viewer."""
