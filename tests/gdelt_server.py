"""A local HTTP server on 127.0.0.1 that plays GDELT's file server, with faults on request."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGdelt:
    """Serves `files` (name -> bytes) under /gdeltv2/; `faults` (name -> kind) changes how a file is served:

    404            always HTTP 404
    500-then-200   HTTP 500 on the first request, the file after
    truncated      declares the full length, sends half, closes
    slow           waits `slow_seconds` before answering
    hang           sends half the body, then waits until `release` is set (to kill a client mid-file)
    """

    def __init__(self, files: dict[str, bytes], faults: dict[str, str] | None = None, slow_seconds: float = 2.0):
        self.files, self.faults, self.slow_seconds = files, dict(faults or {}), slow_seconds
        self.requests: Counter[str] = Counter()
        self.hanging = threading.Event()  # set when a 'hang' file has been half sent
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a timeout test): nothing to answer

            def _answer(self):
                name = self.path.rsplit("/", 1)[-1]
                fake.requests[name] += 1
                fault = fake.faults.get(name)
                if name not in fake.files or fault == "404":
                    self.send_error(404)
                    return
                if fault == "500-then-200" and fake.requests[name] == 1:
                    self.send_error(500)
                    return
                if fault == "slow":
                    time.sleep(fake.slow_seconds)
                body = fake.files[name]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault in ("truncated", "hang"):
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    if fault == "hang":
                        fake.hanging.set()
                        fake.release.wait(30)
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/gdeltv2/"

    def __enter__(self) -> "FakeGdelt":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
