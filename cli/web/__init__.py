"""The web face of lbp-screen (``lbp serve``): a JSON API and a case playground in the
browser, every asset shipped in this package (no CDN, no build step)."""
from lbp_screen.web.app import MAX_REQUEST_BYTES, create_app

__all__ = ["MAX_REQUEST_BYTES", "create_app"]
