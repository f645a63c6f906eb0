"""Everything that talks to Redis. Nothing here knows about Flask."""
