"""The shop catalog: what it services, with what, at what price."""
