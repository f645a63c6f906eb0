"""Clients of the service generated from its OpenAPI document (python/: the shipped one)."""
