"""Pricing, quotes and (later) the booking calendar."""
