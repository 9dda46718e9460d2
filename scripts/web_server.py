"""Serves the demo page (web/) on its own port, as `make run` does: the static files, the chat
widget's bundle straight from node_modules (no CDN), and /config.js, which tells the page where the
Rasa server is.

The bundle's CSS @imports the Inter font from Google Fonts; it is served without that import, so the
page asks no third party for anything (the widget falls back to the browser's sans-serif).

    python scripts/web_server.py --host 127.0.0.1 --port 8080 --socket-url http://127.0.0.1:5005
"""

import argparse
import json
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_DIR = ROOT / "web"
WIDGET_PATH = "/vendor/rasa-webchat.js"
WIDGET_BUNDLE = ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
GOOGLE_FONTS_IMPORT = (
    b"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"
)


class Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, socket_url: str, **kwargs):
        self.socket_url = socket_url
        super().__init__(*args, directory=str(PAGE_DIR), **kwargs)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/config.js":
            config = {"socketUrl": self.socket_url}
            self.send_bytes(
                f"window.PATHFINDER_CHAT = {json.dumps(config)};\n".encode(), "text/javascript"
            )
        elif path == WIDGET_PATH:
            self.send_bytes(
                WIDGET_BUNDLE.read_bytes().replace(GOOGLE_FONTS_IMPORT, b""), "text/javascript"
            )
        else:
            super().do_GET()

    def send_bytes(self, body: bytes, content_type: str):
        self.send_response(200)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code="-", size="-"):
        """Quiet: errors are still logged."""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--socket-url", required=True, help="the Rasa server the widget connects to"
    )
    args = parser.parse_args()
    if not WIDGET_BUNDLE.is_file():
        parser.exit(1, f"error: {WIDGET_BUNDLE} is missing: run `make install` (npm ci)\n")
    server = ThreadingHTTPServer(
        (args.host, args.port), partial(Handler, socket_url=args.socket_url)
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
