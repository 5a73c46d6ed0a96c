"""The scenario runner the templates' Python SDK suites share (scripts/sdk-lib.sh puts this
folder on PYTHONPATH): `check` runs one scenario and reports it, `finish` prints the count and
exits with the suite's status; `Receiver` takes a clone's webhook deliveries; `admin` calls the
clone's admin surface."""
import http.server
import json
import os
import queue
import sys
import threading
import urllib.error
import urllib.request

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


def admin(method, path, body=None):
    """Calls the clone's admin surface (`ASYM_ADMIN_URL`/<path>, with `ASYM_ADMIN_SECRET`; both
    exported by scripts/sdk-lib.sh) for set-up the product does outside its API; the JSON it
    answers (None when empty). A non-2xx answer raises, naming the call, status and body."""
    base, secret = os.environ.get("ASYM_ADMIN_URL"), os.environ.get("ASYM_ADMIN_SECRET")
    if not base or not secret:
        raise RuntimeError("ASYM_ADMIN_URL and ASYM_ADMIN_SECRET must be set (run.sh sets them; "
                           "for an existing clone: ASYM_ADMIN_SECRET=$(asym admin <id> --secret))")
    request = urllib.request.Request(
        f"{base}/{path}", method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"X-Asym-Admin-Secret": secret, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as answer:
            text = answer.read()
    except urllib.error.HTTPError as err:
        raise AssertionError(f"admin {method} {path}: {err.code} {err.read().decode()}") from None
    return json.loads(text) if text else None


class Receiver:
    """A webhook receiver on a free loopback port, used as `with Receiver() as hook:`. `hook.url`
    takes POSTs; `hook.next()` is the next delivery's `(headers, body)`, waiting up to `timeout`
    seconds (queue.Empty when none came). Each delivery is answered 200 with no body, or with
    what `respond(headers, body)` returns: `(status, body)`, a dict or list body sent as JSON
    (for a product that reads the answer: Slack's URL verification echoes its `challenge`).
    Closed when the block ends."""

    def __init__(self, respond=None):
        got = queue.Queue()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                got.put((self.headers, body))
                status, answer = respond(self.headers, body) if respond else (200, b"")
                as_json = not isinstance(answer, (bytes, str))
                answer = json.dumps(answer) if as_json else answer
                answer = answer.encode() if isinstance(answer, str) else answer
                self.send_response(status)
                if as_json:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

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
