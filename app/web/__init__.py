"""The request pipeline, in the order a request meets it.

context (one object a request), guard (the steps before a handler: auth, rate limit,
tokens), auth, ratelimit, idempotency, inputs (bodies, queries, preconditions),
envelope, errors, accesslog, metrics.
"""
