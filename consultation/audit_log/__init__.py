"""The audit log's page: an event's entries in words. Above every feature whose actions are
logged, since it names their codes; the features record through ``consultation.audit``."""
