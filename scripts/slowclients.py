#!/usr/bin/env python3
"""Abuse checks for scripts/loadtest.sh, against 127.0.0.1 only: slow (slowloris-style) header senders must not
block a normal request; an oversized body is refused with 413; a stalled body is dropped after the read timeout.
Usage: slowclients.py PORT [SLOW_CONNECTIONS]. Exit 0 when every check holds."""
import socket
import sys
import threading
import time

HOST = "127.0.0.1"  # never anything else
PORT = int(sys.argv[1])
SLOW = int(sys.argv[2]) if len(sys.argv) > 2 else 50


def connect(timeout=30):
    return socket.create_connection((HOST, PORT), timeout=timeout)


def normal_request(path="/api/health"):
    """The status line of a plain GET (or 'timed out' after 10 s) and the seconds it took."""
    t0 = time.monotonic()
    data = b""
    try:
        with connect(timeout=10) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            while chunk := s.recv(65536):
                data += chunk
    except OSError as e:
        return f"no answer ({e or 'timed out'})", time.monotonic() - t0
    return data.split(b"\r\n", 1)[0].decode(), time.monotonic() - t0


stop = threading.Event()


def slow_sender(i, alive):
    """Sends a request's headers one byte per second and never finishes them."""
    try:
        s = connect()
    except OSError:
        return
    alive[i] = True
    header = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10000
    try:
        for b in header:
            if stop.is_set():
                break
            s.send(bytes([b]))
            time.sleep(1.0)
    except OSError:
        pass
    finally:
        alive[i] = False
        s.close()


failures = 0


def check(ok, what):
    global failures
    print(f"slowclients: {'ok  ' if ok else 'FAIL'} {what}")
    failures += 0 if ok else 1


alive = [False] * SLOW
threads = [threading.Thread(target=slow_sender, args=(i, alive), daemon=True) for i in range(SLOW)]
for t in threads:
    t.start()
time.sleep(3)
open_now = sum(alive)
status, seconds = normal_request()
check(status.endswith("200 OK") and seconds < 2,
      f"GET /api/health while {open_now} slow connections are open: '{status}' in {seconds:.3f} s")
status, seconds = normal_request("/api/models")
check(status.endswith("200 OK") and seconds < 2, f"GET /api/models with them open: '{status}' in {seconds:.3f} s")

# Oversized body: 2 MiB, over the 1 MiB limit; the server front answers 413 at the headers, before reading the body.
with connect(timeout=30) as s:
    s.sendall(b"POST /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              b"Content-Length: 2097152\r\n\r\n" + b" " * 2097152)
    try:
        first = s.recv(65536).split(b"\r\n", 1)[0].decode()
    except OSError as e:
        first = f"no answer ({e or 'timed out'})"
check(first.endswith("413 Payload Too Large"), f"2 MiB body refused: '{first}'")

# A stalled body: the server drops the connection after its read timeout instead of waiting forever.
t0 = time.monotonic()
with connect(timeout=60) as s:
    s.sendall(b"POST /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              b"Content-Length: 100\r\n\r\n{\"preset\"")
    try:
        reply = s.recv(65536)
    except OSError:
        reply = b""
waited = time.monotonic() - t0
line = reply.split(b"\r\n", 1)[0].decode() or "none"
check(waited < 30, f"stalled body dropped after {waited:.1f} s (reply: {line})")

stop.set()
sys.exit(1 if failures else 0)
