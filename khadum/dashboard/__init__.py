"""The freelancer dashboard's data: every read runs through RLS as the caller."""
