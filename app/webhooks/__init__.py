"""Webhooks (SPEC.md §16): address rules, signing, one delivery attempt, the retry schedule.

Nothing here imports Flask: the HTTP layer and the `saasignal worker` process both use it.
"""
