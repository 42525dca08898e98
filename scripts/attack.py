#!/usr/bin/env python3
"""Bounded attacks on `capplan serve`, on 127.0.0.1 only (issue 17; figures in docs/hardening.md).

Starts its own server on a free loopback port, runs each attack with a fixed count and a time cap, checks what
must hold, stops the server, and exits non-zero if a check failed. Nothing is sent anywhere but 127.0.0.1.
  scripts/attack.py [--bin build/capplan] [ATTACK ...]
  attacks: limits slow load heavy (default: all)
  limits: chunked body, 1M header lines, Range amplification, deep JSON, text/plain and foreign Host, pipelining
  slow:   1,000 slow clients (headers a byte at a time) while normal requests must be answered in under 100 ms
  load:   a mixed keep-alive load of light requests (8 processes x 1,000 requests), p99 under 20 ms
  heavy:  10 concurrent heaviest-allowed simulate/plan requests: RSS under 1 GiB, each answered or refused in time
"""
import argparse
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import threading
import time

HOST = "127.0.0.1"  # never anything else
failures = 0


def check(ok, what):
    global failures
    print(f"attack: {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    failures += 0 if ok else 1


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def read_reply(s, timeout=10.0):
    """(status, body) of one Content-Length framed response; (0, b'') on a close or timeout."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                return 0, b""
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        return int(head[9:12]), body[:length]
    except (OSError, ValueError):
        return 0, b""


def request(port, raw, timeout=10.0):
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(raw)
        return read_reply(s, timeout)


def post(path, body, ctype="application/json", host="127.0.0.1"):
    b = body.encode() if isinstance(body, str) else body
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {ctype}\r\nContent-Length: {len(b)}\r\n\r\n"
            .encode() + b)


def get(path, extra=""):
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode()


# ------------------------------------------------------------------------------------------------ limits
def attack_limits(port, pid):
    # A chunked body of up to 512 MiB: refused at its headers; we stop sending at the first answer (<= 8 MiB sent).
    with socket.create_connection((HOST, port), timeout=10) as s:
        s.sendall(b"POST /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"100000\r\n" + b" " * 0x100000 + b"\r\n"
        sent = 0
        s.settimeout(0.05)
        status = 0
        try:
            for _ in range(8):
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        status, _ = read_reply(s, 5)
    check(status == 411, f"chunked body refused: HTTP {status} after {sent >> 20} MiB sent; RSS {rss_mib(pid):.0f} MiB")

    # Header lines without end: refused past 64 lines; we send at most 1M lines and stop at the answer.
    with socket.create_connection((HOST, port), timeout=10) as s:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        lines = 0
        try:
            s.settimeout(0.05)
            while lines < 1_000_000:
                s.sendall(b"X-A: b\r\n" * 1000)
                lines += 1000
        except OSError:
            pass
        status, _ = read_reply(s, 5)
    check(status == 431, f"header flood refused: HTTP {status} after {lines} lines; RSS {rss_mib(pid):.0f} MiB")

    ranges = "Range: bytes=" + ",".join(["0-"] * 2700) + "\r\n"
    status, body = request(port, get("/", ranges))
    whole_status, whole = request(port, get("/"))
    check(status == 200 and len(body) == len(whole),
          f"2,700 ranges of / answered HTTP {status} with {len(body)} bytes (the page is {len(whole)})")

    deep = '{"config": ' + "{" * 60000 + "}"
    status, body = request(port, post("/api/memory", deep))
    alive, _ = request(port, get("/api/health"))
    check(status == 413 and alive == 200, f"60,000-deep config: HTTP {status}, server then answers {alive}")

    status, _ = request(port, post("/api/plan", '{"model": {"preset": "llama-3.1-8b"}}', "text/plain"))
    check(status == 415, f"text/plain POST: HTTP {status}")
    status, _ = request(port, post("/api/plan", '{"model": {"preset": "llama-3.1-8b"}}', host="rebind.example"))
    check(status == 403, f"foreign Host (DNS rebinding): HTTP {status}")

    with socket.create_connection((HOST, port), timeout=10) as s:
        s.sendall(get("/api/health") * 3)
        data, deadline = b"", time.monotonic() + 5
        s.settimeout(1)
        while data.count(b"HTTP/1.1 ") < 3 and time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except OSError:
                continue
            if not chunk:
                break
            data += chunk
        got = [int(part[:3]) for part in data.split(b"HTTP/1.1 ")[1:]]
    check(got == [200, 200, 200], f"3 pipelined requests answered: {got}")


# ------------------------------------------------------------------------------------------------ slow
def attack_slow(port, pid, count=1000, seconds=12):
    stop = threading.Event()
    opened = []

    evicted = [0]

    def slow(i):
        # Headers a byte every 0.5 s, never finished; when the server evicts the connection (408 at its request
        # deadline), a new one takes its place, so 1,000 stay open for the whole attack.
        header = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10000
        while not stop.is_set():
            try:
                s = socket.create_connection((HOST, port), timeout=30)
            except OSError:
                time.sleep(0.5)
                continue
            opened.append(s)
            for b in header:
                if stop.is_set():
                    break
                try:
                    s.send(bytes([b]))
                except OSError:
                    evicted[0] += 1
                    break
                time.sleep(0.5)
            s.close()

    threads = [threading.Thread(target=slow, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    worst, answered = 0.0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.monotonic()
        status, _ = request(port, get("/api/health"), timeout=5)
        took = (time.monotonic() - t0) * 1000
        worst = max(worst, took)
        answered += status == 200
        time.sleep(0.2)
    check(worst < 100 and answered > 0,
          f"{count} slow clients ({len(opened)} connections over {seconds} s, {evicted[0]} evicted by the server): "
          f"{answered} normal requests answered, slowest {worst:.1f} ms; RSS {rss_mib(pid):.0f} MiB")
    stop.set()
    for t in threads:
        t.join(2)


# ------------------------------------------------------------------------------------------------ load
LIGHT = [get("/api/health"), get("/api/gpus"), get("/"),
         post("/api/model", '{"preset": "llama-4-scout", "context": 8192}'),
         post("/api/memory", '{"model": {"preset": "mixtral-8x7b"}, "gpu": "a100", "gpus": 2, "weights": "fp8"}')]


def load_worker(port, n, out):
    """n requests on one keep-alive connection (a new one if the server closes it: counted as reconnects)."""
    times, reconnects, s = [], 0, None
    for i in range(n):
        t0 = time.perf_counter()
        status = 0
        try:
            if s is None:
                s = socket.create_connection((HOST, port), timeout=10)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                reconnects += 1
            s.sendall(LIGHT[i % len(LIGHT)])
            status, _ = read_reply(s, 10)
        except OSError:
            pass
        if status == 0 and s is not None:
            s.close()
            s = None
        times.append((time.perf_counter() - t0) * 1000 if status == 200 else 1e9)
    if s is not None:
        s.close()
    out.put((times, reconnects - 1))


def attack_load(port, pid, procs=8, per=1000):
    q = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=load_worker, args=(port, per, q)) for _ in range(procs)]
    t0 = time.monotonic()
    for p in ps:
        p.start()
    got = [q.get(timeout=300) for _ in ps]
    times = sorted(t for ts, _ in got for t in ts)
    reconnects = sum(r for _, r in got)
    for p in ps:
        p.join(10)
    wall = time.monotonic() - t0
    p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
    failed = sum(t >= 1e9 for t in times)
    check(p99 < 20 and failed == 0,
          f"keep-alive load: {len(times)} light requests on {procs} connections ({reconnects} reconnects) in {wall:.1f} s, "
          f"{failed} failed, "
          f"p50 {p50:.2f} ms, p99 {p99:.2f} ms; RSS {rss_mib(pid):.0f} MiB")


# ------------------------------------------------------------------------------------------------ heavy
# The largest request each route accepts: 20,000 requests (kMaxSimulatedRequests) of 5,000 + 5,000 tokens
# (2e8 simulated tokens, kMaxSimulatedTokens), and a plan of the heaviest model with 8 finalists.
HEAVY = [post("/api/simulate", json.dumps({"model": {"preset": "deepseek-v3"}, "gpu": "h200", "gpus": 8,
                                           "rate": 1000, "input": 5000, "output": 5000, "requests": 20000})),
         post("/api/plan", json.dumps({"model": {"preset": "deepseek-v3"}, "rate": 1000, "input": 5000,
                                       "output": 5000, "finalists": 8}))]


def attack_heavy(port, pid, count=10, deadline_s=30):
    peak = [0.0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mib(pid))
            time.sleep(0.05)

    results = [None] * count

    def one(i):
        t0 = time.monotonic()
        status, body = request(port, HEAVY[i % len(HEAVY)], timeout=deadline_s + 15)
        try:
            msg = json.loads(body).get("error", {}).get("message", "") if status != 200 else ""
        except ValueError:
            msg = body[:80]
        results[i] = (status, time.monotonic() - t0, msg)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(deadline_s + 20)
    stop.set()
    for i, r in enumerate(results):
        print(f"attack:      heavy {i}: " + (f"HTTP {r[0]} in {r[1]:.1f} s {r[2]}" if r else "no answer"))
    answered = [r for r in results if r and r[0] in (200, 413, 422, 503)]
    slowest = max((r[1] for r in answered), default=0)
    check(len(answered) == count and slowest <= deadline_s + 2 and peak[0] < 1024,
          f"{count} concurrent heaviest requests: {len(answered)} answered or refused, slowest {slowest:.1f} s "
          f"(cap {deadline_s} s), peak RSS {peak[0]:.0f} MiB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("CAPPLAN_BIN", "build/capplan"))
    ap.add_argument("attacks", nargs="*", default=["limits", "slow", "load", "heavy"])
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 1,000 client sockets
    port = free_port()
    server = subprocess.Popen([args.bin, "serve", "--host", HOST, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if request(port, get("/api/health"), timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        print(f"attack: server pid {server.pid} on {HOST}:{port}, RSS {rss_mib(server.pid):.0f} MiB", flush=True)
        for name in args.attacks:
            globals()["attack_" + name](port, server.pid)
            check(server.poll() is None, f"server alive after '{name}'")
    finally:
        server.terminate()
        server.wait(10)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
