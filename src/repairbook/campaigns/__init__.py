"""Email campaigns: managers write, the worker sends to clients who agreed to receive them."""
