"""The rules of the domain, in plain Python: no Flask, no Redis commands of their own."""
