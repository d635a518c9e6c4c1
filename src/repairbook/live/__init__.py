"""The live slot board: committed changes published through Redis, fanned out by every API
process to its own websocket subscribers."""
