"""The personal health record: what the patient records about their health, and which care teams may read or
write it (`access.record_access` is the one rule)."""
