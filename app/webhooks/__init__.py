"""Pure webhook rules (docs/webhooks.md): which addresses may be called, how an attempt is
signed, when a failed delivery is tried again. They import nothing back from the store,
the web or the worker, so every layer may use them.
"""
