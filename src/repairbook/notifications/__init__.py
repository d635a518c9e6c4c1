"""Email: the outbox written with each change, and the worker's delivery of it."""
