"""Slow clients against `ironiam serve`: many connections that send part of their
headers and stall (slowloris), then `GET /health` timed from a fresh connection.

Starts the server on 127.0.0.1 with its default limits (or those given in
IRONIAM_* variables), opens N partial connections (default 3000, above the default
cap of 2000), and reports: how many of them got an immediate 503, how long /health
takes while they are open, and how many are still open after the header timeout.

usage: python bench/slow_clients.py [path/to/ironiam] [N]
"""

import http.client
import os
import socket
import subprocess
import sys
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/ironiam"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 3000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_ms(port):
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/health")
    reply = conn.getresponse()
    reply.read()
    conn.close()
    return reply.status, (time.monotonic() - started) * 1000


def main():
    port = free_port()
    server = subprocess.Popen(
        [BIN, "serve", "--ephemeral", "--listen", f"127.0.0.1:{port}"],
        env=dict(os.environ, RUST_LOG="error"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    sockets = []
    try:
        for _ in range(100):
            try:
                health_ms(port)
                break
            except OSError:
                time.sleep(0.1)
        print(f"server: {BIN}; /health alone: {health_ms(port)[1]:.1f} ms")
        started = time.monotonic()
        for _ in range(N):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            sockets.append(s)
        print(f"{N} partial connections opened in {time.monotonic() - started:.1f} s")
        time.sleep(0.5)
        refused = 0
        for s in sockets:
            s.setblocking(False)
            try:
                data = s.recv(64)
                if data.startswith(b"HTTP/1.1 503"):
                    refused += 1
            except BlockingIOError:
                pass
        print(f"answered 503 at once (beyond the cap): {refused}")
        status, ms = health_ms(port)
        print(f"/health with {N} stalled connections open: {status} in {ms:.1f} ms")
        time.sleep(11)
        still_open = 0
        for s in sockets:
            try:
                if s.recv(64) == b"":
                    continue
            except BlockingIOError:
                still_open += 1
            except OSError:
                continue
        print(f"stalled connections the server still holds after 11 s: {still_open}")
        status, ms = health_ms(port)
        print(f"/health after: {status} in {ms:.1f} ms")
    finally:
        for s in sockets:
            s.close()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
