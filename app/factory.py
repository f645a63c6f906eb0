"""Build the web app: config → store → extensions → blueprints → error handlers."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask
from redis.exceptions import RedisClusterException
from werkzeug.middleware.proxy_fix import ProxyFix

from app.api import docs
from app.config import Config, ConfigError
from app.openapi.catalog import RESOURCES
from app.services import Services
from app.store.connect import RedisTooOld, check_redis_version, connect
from app.store.keyspace import Keyspace
from app.store.migrate import DataTooOld, check_data_version
from app.web import accesslog, context, metrics
from app.web.errors import register_error_handlers
from app.web.ratelimit import RateLimits
from app.web.routing import register_resources
from app.webhooks.addresses import describe_rule

log = logging.getLogger("saasignal")


def _blueprint(views: str) -> Blueprint:
    """The blueprint `bp` of the views module `views` (`app.api.conversations`)."""
    found: Blueprint = importlib.import_module(views).bp
    return found


def create_app(overrides: Mapping[str, Any] | None = None, client: Any = None) -> Flask:
    """Create the service; `overrides` replace configuration fields, `client` the Redis client."""
    config = Config.from_env()
    if overrides:
        config = config.replace(overrides)
    if config.redis_url is None and client is None:
        log.warning("REDIS_URL is unset: using the embedded in-memory store; nothing is kept.")

    app = Flask(__name__)
    # One byte over the limit: werkzeug cuts a streamed (chunked) body at this length
    # without a word, so reading limit + 1 bytes is how an oversized one is told apart.
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes + 1
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # werkzeug answers a path with `//` by an HTML redirect that bypasses every error
    # handler; unmerged, such a path is an ordinary JSON 404.
    app.url_map.merge_slashes = False
    if config.proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops)  # type: ignore[method-assign]

    try:
        client = client if client is not None else connect(config.redis_url)
        check_redis_version(client)
        check_data_version(client, Keyspace(config.redis_key_prefix))
        services = Services.build(config, client)
        limits = RateLimits(config)
    except RedisClusterException as exc:
        # A cluster client learns the slot map when it is made: no node, no start.
        raise ConfigError(f"REDIS_URL: no node of the Redis Cluster answers ({exc})") from None
    except (RedisTooOld, DataTooOld) as exc:
        raise ConfigError(str(exc)) from None
    # gunicorn's master logs it too (gunicorn.conf.py), where this logger has no handler.
    log.info(describe_rule(config.webhook_allow_private_targets))
    app.extensions["saasignal"] = services
    app.extensions["saasignal.limits"] = limits

    context.init_app(app)
    metrics.init_app(app)
    accesslog.init_app()

    # Every resource of the catalog, by its views module (docs/internals/adding-a-resource.md).
    register_resources(app, RESOURCES, _blueprint)
    app.register_blueprint(docs.bp)
    register_error_handlers(app)
    return app
