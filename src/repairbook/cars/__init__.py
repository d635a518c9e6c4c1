"""Clients' cars."""
