"""Benchmarks of the service: `make bench` (see bench/__main__.py for the modes and options)."""
