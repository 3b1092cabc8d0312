#!/usr/bin/env python3
"""Hostile and idle clients for tests/collect_kafka_test.sh.

  collect_probe.py slowloris HOST PORT   trickles a request header one line per 0.5 s for up
                                         to 60 s; exit 0 when the server closed the connection
                                         before the header was complete, 1 when it waited.
  collect_probe.py idle HOST PORT N      opens N connections that send nothing, prints the
                                         collector's open-connection gauge while they are
                                         held, then sends GET /healthz on every one of them;
                                         exit 0 when all N answered 200.
  collect_probe.py zipbomb HOST PORT KEY posts 64 MiB of zeros gzip'd (~64 KiB) and prints
                                         the status and body.
"""
import gzip
import socket
import sys
import time
import urllib.request


def slowloris(host, port):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\n")
    for i in range(120):
        try:
            s.sendall(b"X-Slow-%d: %s\r\n" % (i, b"a" * 10))
            s.settimeout(0.5)
            data = s.recv(1)
            if data == b"":
                print("slowloris: closed by the server after %d header lines" % (i + 1))
                return 0
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            print("slowloris: reset by the server after %d header lines" % (i + 1))
            return 0
    print("slowloris: the server kept the connection through 120 trickled header lines")
    return 1


def gauge(host, port):
    text = urllib.request.urlopen("http://%s:%d/metrics" % (host, port), timeout=10).read().decode()
    for line in text.splitlines():
        if line.startswith("lakestream_collect_connections "):
            return float(line.split()[1])
    return -1


def idle(host, port, n):
    socks = []
    for i in range(n):
        socks.append(socket.create_connection((host, port), timeout=30))
    held = gauge(host, port)
    print("idle: %d connections open, the collector counts %d (+1 for /metrics)" % (n, held))
    ok = 0
    for s in socks:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    for s in socks:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        if data.startswith(b"HTTP/1.1 200"):
            ok += 1
        s.close()
    print("idle: %d of %d answered 200 after being held" % (ok, n))
    return 0 if ok == n and held >= n else 1


def zipbomb(host, port, key):
    body = gzip.compress(b"\0" * (64 << 20), 9)
    req = urllib.request.Request("http://%s:%d/v1/batch" % (host, port), data=body, method="POST",
                                 headers={"Content-Type": "application/json",
                                          "Content-Encoding": "gzip", "X-Write-Key": key})
    try:
        r = urllib.request.urlopen(req, timeout=30)
        print(r.status, r.read().decode())
    except urllib.error.HTTPError as e:
        print(e.code, e.read().decode())
    return 0


if __name__ == "__main__":
    cmd, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "slowloris":
        sys.exit(slowloris(host, port))
    if cmd == "idle":
        sys.exit(idle(host, port, int(sys.argv[4])))
    if cmd == "zipbomb":
        sys.exit(zipbomb(host, port, sys.argv[4]))
    sys.exit("unknown command " + cmd)
