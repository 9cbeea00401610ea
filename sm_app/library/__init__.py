"""The patient-education library: articles and their review, reading them, and sending them from a conversation."""
