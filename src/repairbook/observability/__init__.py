"""What an operator watches: `/metrics`, one log line per GraphQL operation, trace spans.

Hooks kept apart from the code they watch: an ASGI middleware (`http`), a strawberry
extension (`graphql`), a wrapper for worker jobs (`jobs`), the series collected at scrape
time (`metrics`) and the log format (`logs`). The counters themselves live in
`repairbook.telemetry`, which any layer may import.
"""
