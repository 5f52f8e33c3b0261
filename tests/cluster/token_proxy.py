#!/usr/bin/env python3
"""A stand-in for what sits in front of a cluster's Prometheus, for tst_prometheus_client.

- Forwards to the real Prometheus (--upstream) only with `Authorization: Bearer <--token>`;
  answers 401 without it or with another token, 403 for --forbidden-token (an account that may
  not read metrics), like OpenShift's Thanos querier behind kube-rbac-proxy.
- /canned/<name>/... answers a fixed reply (a login page, a redirect, JSON that is not
  Prometheus's, a malformed result, a 502, an execution error), whatever the token.
- /vllm/metrics is a scrape target with vLLM v0.10.0's series for a few fake pods whose counters
  grow at fixed rates from the helper's start, so the PromQL catalogue's answers are known in
  advance (see tst_prometheus_client.cpp for the numbers).
- --tls-cert/--tls-key serve HTTPS instead.

Prints "listening <port>" once it accepts connections; stops on SIGTERM/SIGINT.
"""

import argparse
import signal
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

START = time.time()

CANNED = {
    "html": (200, "text/html", b"<!DOCTYPE html><html><head><title>Log in</title></head><body>Log in with OpenShift</body></html>"),
    "redirect": (302, "text/html", b"<a href=\"/oauth/start\">Found</a>."),
    "json-not-prometheus": (200, "application/json", b'{"hello": "world"}'),
    "bad-value": (200, "application/json",
                  b'{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,"abc"]}]}}'),
    "no-data": (200, "application/json", b'{"status":"success"}'),
    "bad-gateway": (502, "text/html", b"<html><body>502 Bad Gateway</body></html>"),
    "execution": (422, "application/json",
                  b'{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"}'),
}

# pod -> (model, hits/s, queries/s, requests/s, tokens/s, preemptions/s, waiting, running, kv use)
PODS = {
    "decode-0": ("Qwen/Qwen3-0.6B", 3, 4, 2, 10, 0.5, 3, 5, 0.5),
    "decode-1": ("Qwen/Qwen3-0.6B", 1, 2, 6, 30, 0, 1, 2, 0.25),
    "other-0": ("other/model", 100, 100, 100, 1000, 7, 50, 50, 0.9),
    "idle-0": ("idle/model", 0, 0, 0, 0, 0, 0, 0, 0),
}


def vllm_metrics():
    t = time.time() - START
    lines = []

    def family(name, kind, rows):
        lines.append(f"# TYPE {name} {kind}")
        lines.extend(rows)

    def labels(pod, extra=""):
        return f'{{pod="{pod}",model_name="{PODS[pod][0]}"{extra}}}'

    counters = [("vllm:prefix_cache_hits_total", 1), ("vllm:prefix_cache_queries_total", 2),
                ("vllm:request_success_total", 3), ("vllm:generation_tokens_total", 4),
                ("vllm:num_preemptions_total", 5)]
    for name, i in counters:
        # The idle pod has served 10 queries, long ago: its counters exist but stand still.
        family(name, "counter", [f"{name}{labels(p)} {v[i] * t + (10 if p == 'idle-0' else 0)!r}" for p, v in PODS.items()])
    for name, i in [("vllm:num_requests_waiting", 6), ("vllm:num_requests_running", 7), ("vllm:kv_cache_usage_perc", 8)]:
        family(name, "gauge", [f"{name}{labels(p)} {v[i]!r}" for p, v in PODS.items()])
    # Every first token in (0.1 s, 0.5 s]: p50 = 0.3 s and p90 = 0.46 s by linear interpolation.
    rows = []
    for p, v in PODS.items():
        n = v[3] * t
        for le, count in [("0.1", 0), ("0.5", n), ("+Inf", n)]:
            bucket = labels(p, ',le="' + le + '"')
            rows.append(f"vllm:time_to_first_token_seconds_bucket{bucket} {count!r}")
        rows.append(f"vllm:time_to_first_token_seconds_sum{labels(p)} {0.3 * n!r}")
        rows.append(f"vllm:time_to_first_token_seconds_count{labels(p)} {n!r}")
    family("vllm:time_to_first_token_seconds", "histogram", rows)
    return ("\n".join(lines) + "\n").encode()


class Handler(BaseHTTPRequestHandler):
    server_version = "token-proxy"

    def log_message(self, *args):
        pass

    def reply(self, status, content_type, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.path == "/vllm/metrics":
            return self.reply(200, "text/plain; version=0.0.4", vllm_metrics())
        if self.path.startswith("/canned/huge/"):
            # 65 MiB of a valid-looking answer: more than the client holds in memory.
            padding = b" " * (65 << 20)
            return self.reply(200, "application/json", b'{"status":"success",' + padding + b'"data":{}}')
        if self.path.startswith("/canned/"):
            name = self.path.split("/")[2]
            status, ctype, text = CANNED.get(name, (404, "text/plain", b"no such canned reply"))
            return self.reply(status, ctype, text, [("Location", "/oauth/start")] if status == 302 else ())
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        if token is None or token not in (self.server.token, self.server.forbidden):
            return self.reply(401, "text/plain", b"Unauthorized\n", [("WWW-Authenticate", 'Bearer realm="prometheus"')])
        if token == self.server.forbidden:
            return self.reply(403, "text/plain", b"Forbidden (user=system:serviceaccount:x:y, verb=get)\n")
        request = urllib.request.Request(self.server.upstream + self.path, data=body, method=self.command)
        if self.headers.get("Content-Type"):
            request.add_header("Content-Type", self.headers["Content-Type"])
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                status, ctype, text = answer.status, answer.headers.get("Content-Type", ""), answer.read()
        except urllib.error.HTTPError as error:
            status, ctype, text = error.code, error.headers.get("Content-Type", ""), error.read()
        except OSError as error:
            status, ctype, text = 502, "text/plain", f"upstream unreachable: {error}".encode()
        self.reply(status, ctype or "application/octet-stream", text)

    do_GET = handle_any
    do_POST = handle_any


class TlsServer(ThreadingHTTPServer):
    """Handshakes in the connection's thread, so a client that never does cannot stall accept."""

    def __init__(self, address, handler, context):
        self.context = context
        super().__init__(address, handler)

    def get_request(self):
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--forbidden-token", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()

    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server = TlsServer(("127.0.0.1", 0), Handler, context)
    else:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.upstream = args.upstream.rstrip("/")
    server.token = args.token
    server.forbidden = args.forbidden_token

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
