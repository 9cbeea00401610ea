"""Health-record pages: the patient's record, sharing and Who looked; the staff view of a shared record."""
