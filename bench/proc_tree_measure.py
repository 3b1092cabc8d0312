#!/usr/bin/env python3
"""Runs a command and measures its whole process tree, the same way for every tool.

    proc_tree_measure.py OUT_FILE -- COMMAND [ARG...]

Writes one line of key=value figures to OUT_FILE when the command ends:
    wall_s   wall-clock seconds from start to the command's exit
    cpu_s    user+sys CPU seconds of the command and every descendant
    rss_mb   peak of the summed resident set size of the whole tree (MB = 10^6 bytes)
    procs    distinct processes seen in the tree
    rc       the command's exit status
The command's stdout/stderr pass through. Exits with the command's status.

CPU: the command's rusage from wait4 covers it and every descendant that was
reaped in the tree. A descendant that outlives its parent (re-parented to init,
e.g. a JVM its Python driver never waited for) is not in that rusage, so the
tree is also sampled from /proc every 50 ms and the larger of the two figures
is reported: the sampled figure misses at most the last 50 ms of each process.
RSS: /usr/bin/time's "maximum resident set size" is the largest single process;
a Python driver beside its JVM holds both, so the tree's RSS is summed at each
sample and the peak of the sums is reported (a peak shorter than 50 ms can be
missed). Linux only (/proc).
"""
import os
import subprocess
import sys
import time

PAGE = os.sysconf("SC_PAGE_SIZE")
HZ = os.sysconf("SC_CLK_TCK")
INTERVAL = 0.05


def read_stat(pid):
    """(ppid, cpu_seconds, rss_bytes) of pid, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    rest = data[data.rindex(b")") + 2 :].split()
    ppid = int(rest[1])
    utime, stime = int(rest[11]), int(rest[12])
    rss_pages = int(rest[21])
    return ppid, (utime + stime) / HZ, rss_pages * PAGE


def tree_of(root, known):
    """Pids of root's live descendants (and root), plus any known pid still alive.

    `known` keeps processes already seen in the tree after they were re-parented."""
    children = {}
    stats = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        st = read_stat(pid)
        if st is None:
            continue
        stats[pid] = st
        children.setdefault(st[0], []).append(pid)
    tree, stack = set(), [root]
    while stack:
        pid = stack.pop()
        if pid in tree or pid not in stats:
            continue
        tree.add(pid)
        stack.extend(children.get(pid, []))
    tree.update(p for p in known if p in stats)
    return {pid: stats[pid] for pid in tree}


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.stderr.write("usage: proc_tree_measure.py OUT_FILE -- COMMAND [ARG...]\n")
        return 2
    out_file, cmd = sys.argv[1], sys.argv[3:]
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(cmd)
    except OSError as e:
        sys.stderr.write(f"proc_tree_measure: cannot run {cmd[0]}: {e}\n")
        return 127
    last_cpu = {}  # pid -> last sampled CPU seconds
    seen = set()
    peak_rss = 0
    rc = None
    while rc is None:
        tree = tree_of(proc.pid, seen)
        seen.update(tree)
        peak_rss = max(peak_rss, sum(st[2] for st in tree.values()))
        for pid, st in tree.items():
            last_cpu[pid] = st[1]
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            rc = os.waitstatus_to_exitcode(status)
            wall = time.monotonic() - t0
            proc.returncode = rc
            break
        time.sleep(INTERVAL)
    # Descendants still alive after the command exited (orphans): wait for them
    # (bounded), they are part of what the command cost.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        alive = tree_of(-1, seen)
        if not alive:
            break
        for pid, st in alive.items():
            last_cpu[pid] = st[1]
        time.sleep(INTERVAL)
    rusage_cpu = ru.ru_utime + ru.ru_stime
    sampled_cpu = sum(last_cpu.values())
    cpu = max(rusage_cpu, sampled_cpu)
    with open(out_file, "w") as f:
        f.write(
            f"wall_s={wall:.3f} cpu_s={cpu:.3f} rss_mb={peak_rss / 1e6:.1f} "
            f"procs={len(seen)} rc={rc} rusage_cpu_s={rusage_cpu:.3f} "
            f"sampled_cpu_s={sampled_cpu:.3f}\n"
        )
    return rc


if __name__ == "__main__":
    sys.exit(main())
