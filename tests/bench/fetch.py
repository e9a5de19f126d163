#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The classic threads-for-I/O peer of `offload fetch`: a ThreadPoolExecutor
of C workers, each with its own requests.Session (keep-alive, as the other
two peers have), fetching every URL of a file and discarding the bodies.

Usage: fetch.py CONCURRENCY URL_FILE
Exit status 0 when every request answered 2xx, 1 otherwise."""

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

local = threading.local()


def fetch(url):
    session = getattr(local, "session", None)
    if session is None:
        session = local.session = requests.Session()
    response = session.get(url, stream=True, timeout=60)
    size = 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        size += len(chunk)
    response.raise_for_status()
    return size


def main():
    concurrency = int(sys.argv[1])
    with open(sys.argv[2]) as f:
        urls = [line.strip() for line in f if line.strip()]
    failed = 0
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for result in pool.map(lambda u: _safe(u), urls):
            failed += result is None
    return 1 if failed else 0


def _safe(url):
    try:
        return fetch(url)
    except Exception as error:  # noqa: BLE001 - counted, reported below
        print(f"{url}: {error}", file=sys.stderr)
        return None


if __name__ == "__main__":
    sys.exit(main())
