"""The scenario runner the templates' Python SDK suites share (scripts/sdk-lib.sh puts this
folder on PYTHONPATH): `check` runs one scenario and reports it, `finish` prints the count and
exits with the suite's status; `Receiver` takes a clone's webhook deliveries."""
import http.server
import queue
import sys
import threading

failures = []
passed = []


def check(name, fn):
    try:
        fn()
        passed.append(name)
        print(f"ok   {name}")
    except Exception as exc:  # noqa: BLE001 - a scenario failure of any kind is reported
        failures.append(name)
        print(f"FAIL {name}: {type(exc).__name__}: {exc}")


def finish(label):
    print(f"{label}: {len(passed)}/{len(passed) + len(failures)} scenarios passed")
    sys.exit(1 if failures else 0)


class Receiver:
    """A webhook receiver on a free loopback port, used as `with Receiver() as hook:`. `hook.url`
    takes POSTs, each answered 200; `hook.next()` is the next delivery's `(headers, body)`,
    waiting up to `timeout` seconds (queue.Empty when none came). Closed when the block ends."""

    def __init__(self):
        got = queue.Queue()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                got.put((self.headers, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._got = got
        self._server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def next(self, timeout=10):
        return self._got.get(timeout=timeout)
