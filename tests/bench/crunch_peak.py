#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peak memory of a command's worker processes, for tests/bench/crunch.sh.

GNU time's %M is the peak RSS of one process (the largest of the command
and the children it waited for), so it cannot tell how large each
`offload-worker` got. This runs the command and, every INTERVAL seconds,
reads VmHWM (the peak RSS the kernel keeps for a process) from
/proc/PID/status of each direct child named NAME, keeping the largest per
worker. A worker that starts and ends between two samples is missed, and
the last few milliseconds of one that is seen; so the wait4() figure is
reported too: the largest of the command and the children it reaped,
exact, which is the workers' peak whenever it exceeds the command's own.

Usage: crunch_peak.py OUT.json NAME [--interval S] -- COMMAND [ARG...]
The command's standard output goes to /dev/null; OUT.json gets the figures."""

import json
import os
import subprocess
import sys
import time


def vm_hwm_kib(pid):
    """(comm, VmHWM in KiB) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/comm") as f:
            comm = f.read().strip()
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return comm, int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def children(pid):
    """Direct children of pid (needs CONFIG_PROC_CHILDREN, which Debian has)."""
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return found


def main():
    args = sys.argv[1:]
    out_path, name = args[0], args[1]
    interval = 0.02
    rest = args[2:]
    if rest and rest[0] == "--interval":
        interval = float(rest[1])
        rest = rest[2:]
    if rest and rest[0] == "--":
        rest = rest[1:]

    workers = {}          # pid -> peak KiB
    parent_peak = 0
    start = time.monotonic()
    child = subprocess.Popen(rest, stdout=subprocess.DEVNULL)
    while True:
        seen = vm_hwm_kib(child.pid)
        if seen:
            parent_peak = max(parent_peak, seen[1])
        for pid in children(child.pid):
            seen = vm_hwm_kib(pid)
            if seen and seen[0] == name:
                workers[pid] = max(workers.get(pid, 0), seen[1])
        # Reap without blocking; wait4 gives the children's rusage too.
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid == child.pid:
            break
        time.sleep(interval)
    wall = time.monotonic() - start

    result = {
        "command": rest,
        "exit_status": os.waitstatus_to_exitcode(status),
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "maxrss_kib": usage.ru_maxrss,
        "parent_peak_kib": parent_peak,
        "workers_seen": len(workers),
        "worker_peak_kib": max(workers.values(), default=0),
        "interval_s": interval,
    }
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)
    return result["exit_status"]


if __name__ == "__main__":
    sys.exit(main())
