"""Users, passwords, tokens and roles."""
