#!/usr/bin/env python3
"""cgi-cost.py [--runs N] CGI KB_DB [CGI KB_DB ...] — the cost of one
search request: each query run straight into each kb.cgi (its CGI
environment, KB_DB set), N times alternated between the programs; prints
per program the median CPU time (user + system, from wait4) and peak RSS
of each query, the median of the ordinary queries, and the worst query's
ratio to that median. Issue 15's measurement; not a test (timing is never
judged), run by hand or from make bench's tools."""
import os
import statistics
import subprocess
import sys
import time
import urllib.parse

ORDINARY = ["迷惑", "SPF", "DKIM 設定", "バウンス", "配信エラー", "迷惑メール 届かない",
            "メール", "Gmail", "550 5.1.1", "到達率"]
KANA = [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x30A1, 0x30F7)]


def worst_queries():
    """The most expensive queries within the input limits (q of at most
    256 characters): one-character terms, repeated or all distinct."""
    return {
        "の x128": "の " * 128,
        "メ x128": "メ " * 128,
        "128 kana": " ".join(KANA[:128]),
        "128 CJK": " ".join(chr(0x4E00 + i * 37) for i in range(128)),
        "a..z x5": " ".join(chr(0x61 + i % 26) for i in range(128)),
        "の+256": "の" * 256,
    }


def run_once(cgi, db, query):
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": "/search", "KB_DB": db,
           "QUERY_STRING": "q=" + urllib.parse.quote(query)[:4000],
           "PATH": "/usr/bin:/bin"}
    start = time.monotonic()
    proc = subprocess.Popen([cgi], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    code = out.split(b" ", 2)[1].decode() if out.startswith(b"Status: ") else "?"
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss, wall, code


def main():
    args = sys.argv[1:]
    runs = 5
    if args[:1] == ["--runs"]:
        runs = int(args[1])
        args = args[2:]
    programs = [(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    queries = {q: q for q in ORDINARY}
    queries.update(worst_queries())
    samples = {(p, q): [] for p in programs for q in queries}
    for _ in range(runs):
        for q, text in queries.items():
            for p in programs:
                samples[(p, q)].append(run_once(p[0], p[1], text))
    for p in programs:
        print(f"== {p[0]} on {p[1]}")
        medians = {}
        for q in queries:
            s = samples[(p, q)]
            cpu = statistics.median(x[0] for x in s) * 1e3
            rss = max(x[1] for x in s) / 1024
            wall = statistics.median(x[2] for x in s) * 1e3
            spread = (min(x[0] for x in s) * 1e3, max(x[0] for x in s) * 1e3)
            medians[q] = cpu
            print(f"  {q[:24]:<24} status {s[0][3]}  cpu {cpu:8.1f} ms "
                  f"({spread[0]:.1f}-{spread[1]:.1f})  wall {wall:8.1f} ms  peak RSS {rss:6.1f} MiB")
        ordinary = statistics.median(medians[q] for q in ORDINARY)
        worst = max(worst_queries(), key=lambda q: medians[q])
        print(f"  median ordinary query {ordinary:.1f} ms; worst '{worst}' "
              f"{medians[worst]:.1f} ms = {medians[worst] / ordinary:.1f} x the median")


main()
