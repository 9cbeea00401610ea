"""Domain services: one module per concept. Pages call these; these own transactions and access."""
