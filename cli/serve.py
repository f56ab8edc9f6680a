"""``lbp serve``: the web app (the JSON API and the case playground) on this machine.

Local by default: the server answers only on 127.0.0.1 unless ``--allow-remote`` confirms a
host other machines can reach, since every request carries a person's case.  The URL is
printed once the socket listens; Ctrl-C stops the server cleanly.
"""
from __future__ import annotations

import logging
import sys
import webbrowser

import click

from lbp_screen.main import lbp, service

# The highest TCP port number.
MAX_PORT = 65535


@lbp.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; only this machine's by default.")
@click.option("--port", type=click.IntRange(0, MAX_PORT), default=0, show_default=True,
              help="Port to listen on; 0 picks a free one.")
@click.option("--open", "open_browser", is_flag=True, help="Open the playground in a web browser.")
@click.option("--allow-remote", is_flag=True,
              help="Allow a --host other machines can reach (case data would cross the network "
                   "unencrypted).")
def serve(host, port, open_browser, allow_remote):
    """Serve the case playground and the JSON API in a web browser (Ctrl-C stops)."""
    # Imported here: FastAPI and uvicorn take 0.2 s, which every other command (and every
    # batch or Dask worker process started through the lbp script) would pay for nothing.
    from lbp_screen.web import create_app
    from lbp_screen.web.server import is_local, listen, url_of, uvicorn_server
    if not is_local(host) and not allow_remote:
        raise click.UsageError(f"--host {host} can be reached from other machines, and every "
                               "request carries a person's case, unencrypted; give --allow-remote "
                               "to serve there anyway")
    app = create_app(service())
    try:
        sock = listen(host, port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    # The app's own error lines (never a request's data) go to the terminal.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("lbp serve: %(message)s"))
    logging.getLogger("lbp_screen.web").addHandler(handler)
    url = url_of(sock)
    click.echo(f"lbp serve: the playground is at {url} (the API at {url}api); Ctrl-C stops")
    if open_browser:
        webbrowser.open(url)  # the socket already listens: the browser's request waits for it
    try:
        uvicorn_server(app).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it has handled, after stopping
        pass
    finally:
        sock.close()
    click.echo("lbp serve: stopped")
