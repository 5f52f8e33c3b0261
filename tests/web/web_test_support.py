"""Shared by the web dashboard's tests: start `kvroute serve` on a free port, HTTP helpers, and
stopping exactly the processes a test started (by pid, never by name)."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request


def fail(message):
    print("FAIL:", message, flush=True)
    sys.exit(1)


def check(ok, message):
    if not ok:
        fail(message)


class Server:
    """`kvroute serve ARGS --port 0`; the port is read from its "listening HOST:PORT" line."""

    def __init__(self, kvroute, args, log_path):
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen([kvroute, "serve", "--port", "0", "-q"] + args, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            self.proc.wait(5)
            fail("kvroute serve did not start: " + open(log_path).read())
        self.port = int(line.strip().rsplit(":", 1)[1])
        self.base = "http://127.0.0.1:%d" % self.port

    def stop(self, timeout=10):
        """SIGTERM, then the exit code (None if it had to be killed)."""
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


def request(url, method="GET", body=None, headers=None, timeout=30):
    """(status, headers dict, body text); never raises on HTTP errors."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8", "replace")


def get_json(url, headers=None, timeout=30):
    status, _, text = request(url, headers=headers, timeout=timeout)
    try:
        return status, json.loads(text)
    except ValueError:
        fail("%s answered %d with non-JSON: %r" % (url, status, text[:200]))


def wait_until(what, predicate, timeout_s, step_s=0.25):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step_s)
    fail("timed out after %g s waiting for %s" % (timeout_s, what))


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[-1].split()[0] != "Z"
    except OSError:
        return False


def terminate(pid, timeout_s=10):
    if pid and alive(pid):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout_s
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
