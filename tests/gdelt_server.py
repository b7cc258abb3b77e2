"""A local HTTP server on 127.0.0.1 that plays GDELT's file server, with faults on request."""

from __future__ import annotations

import re
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

    A `Range: bytes=N-` request is answered 206 with Content-Range (416 when N is past the end), as GDELT's
    server does; with ranges=False the header is ignored and the whole file sent with 200. Requests and body
    bytes sent are counted per file name.
    """

    def __init__(
        self,
        files: dict[str, bytes],
        faults: dict[str, str] | None = None,
        slow_seconds: float = 2.0,
        ranges: bool = True,
    ):
        self.files, self.faults, self.slow_seconds, self.ranges = files, dict(faults or {}), slow_seconds, ranges
        self.requests: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
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
                asked = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
                if asked and fake.ranges:
                    start = int(asked.group(1))
                    if start >= len(body):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(body)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                    body = body[start:]
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault in ("truncated", "hang"):
                    self._send(name, body[: len(body) // 2])
                    self.wfile.flush()
                    if fault == "hang":
                        fake.hanging.set()
                        fake.release.wait(30)
                    self.close_connection = True
                    return
                self._send(name, body)

            def _send(self, name: str, body: bytes) -> None:
                fake.bytes_sent[name] += len(body)  # counted first: a client that has the bytes sees them counted
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/gdeltv2/"

    def __enter__(self) -> FakeGdelt:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
