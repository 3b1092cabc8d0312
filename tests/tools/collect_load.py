#!/usr/bin/env python3
"""Simulated devices for the collector's tests: each device posts batches of events with
unique event_ids to /v1/batch over a keep-alive connection and, like a real device, resends
the same batch (same event_ids) when it gets no answer, a 5xx or a 429, with backoff, until
the run's deadline.

  collect_load.py --url http://127.0.0.1:PORT --key KEY --devices N --batch B
                  --seconds S --acked FILE [--run-id ID] [--pad BYTES]

Writes the event_ids of every batch answered 200 or 202 to --acked (one per line) and prints
one summary line: `load: batches=.. acked_events=.. status_200=.. status_202=.. retries=..
unanswered=..`. Exit 1 when a batch got a 4xx other than 429 (a bug in the collector or in
this script), so a test fails loudly instead of counting it as lost.
"""
import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse


def device(args, dev, deadline, out, stats, lock, errors):
    u = urllib.parse.urlparse(args.url)
    conn = None
    seq = 0
    pad = "x" * args.pad
    while time.time() < deadline:
        ids = ["%s-%d-%d" % (args.run_id, dev, seq + i) for i in range(args.batch)]
        seq += args.batch
        body = json.dumps([{"event_id": i, "user_id": "dev-%d" % dev, "type": "load",
                            "pad": pad} for i in ids])
        backoff = 0.05
        while True:
            status = None
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
                conn.request("POST", "/v1/batch", body=body,
                             headers={"Content-Type": "application/json",
                                      "X-Write-Key": args.key})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
            with lock:
                if status is None:
                    stats["unanswered"] += 1
                else:
                    stats["status_%d" % status] = stats.get("status_%d" % status, 0) + 1
            if status in (200, 202):
                with lock:
                    out.extend(ids)
                    stats["batches"] += 1
                break
            if status is not None and 400 <= status < 500 and status != 429:
                with lock:
                    errors.append("device %d: HTTP %d" % (dev, status))
                return
            if time.time() >= deadline + args.grace:
                return  # gave up: these events were never acknowledged
            with lock:
                stats["retries"] += 1
            time.sleep(backoff * (1 + random.random()))
            backoff = min(backoff * 2, 1.0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--devices", type=int, default=8)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--grace", type=float, default=60,
                   help="how long past the deadline a device keeps resending its last batch")
    p.add_argument("--pad", type=int, default=100)
    p.add_argument("--run-id", default="r%d" % int(time.time()))
    p.add_argument("--acked", required=True)
    args = p.parse_args()
    deadline = time.time() + args.seconds
    out, errors = [], []
    stats = {"batches": 0, "retries": 0, "unanswered": 0}
    lock = threading.Lock()
    threads = [threading.Thread(target=device, args=(args, d, deadline, out, stats, lock, errors))
               for d in range(args.devices)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(args.acked, "w") as f:
        for i in out:
            f.write(i + "\n")
    print("load: acked_events=%d %s" % (len(out), " ".join(
        "%s=%d" % kv for kv in sorted(stats.items()))))
    for e in errors[:5]:
        print("load: " + e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
