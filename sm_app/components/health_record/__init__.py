"""Health-record parts of pages: the record by section (the patient's page and the staff part of a conversation)."""
