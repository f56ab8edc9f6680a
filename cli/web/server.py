"""Running the web app on uvicorn: one listening socket, no access log, no log config.

The access log is off because a request line can carry case data (a query string); the
playground keeps its answers in the URL fragment, which a browser never sends.
"""
from __future__ import annotations

import ipaddress
import socket

import uvicorn
from fastapi import FastAPI

# How many connections may wait while the server starts (the browser --open starts).
LISTEN_BACKLOG = 64


def is_local(host: str) -> bool:
    """Whether ``host`` reaches only this machine (a loopback address or ``localhost``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (0 picks a free port); raises OSError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(LISTEN_BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def uvicorn_server(app: FastAPI) -> uvicorn.Server:
    """A uvicorn server for ``app`` that logs no request (``serve(sockets=[...])`` runs it)."""
    config = uvicorn.Config(app, access_log=False, log_config=None, log_level="warning",
                            server_header=False, lifespan="off")
    return uvicorn.Server(config)
