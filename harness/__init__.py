"""Process launchers shared by the tests and the bench: redis-server, Redis Cluster, gunicorn."""
