"""Pages of the notifications domain: the admin's email settings."""
