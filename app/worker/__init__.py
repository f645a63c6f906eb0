"""The `saasignal worker` process: the loop that finds due deliveries, one attempt's HTTP
delivery, the watchdog that bounds it, and the worker's metrics.

Nothing here imports Flask.
"""
