#!/usr/bin/env python3
"""bench_serve.py CGI KBGEN CORPUS QUERIES [SECONDS] — kb.cgi served by lighttpd,
as plain CGI (mod_cgi) and as FastCGI workers (mod_fastcgi, one per core),
side by side in one run: wrk (Debian's) at 1, 16 and 256 connections for
search (a Lua script cycling through the queries, one a line in QUERIES,
on /search.json) and for one wizard step, each for SECONDS (default 10).
Prints requests/s, p50 and p99 latency, errors (socket errors and
non-2xx/3xx answers) per case, and FastCGI's ratio to CGI, then each
FastCGI worker's resident memory (VmRSS, and of it RssAnon: the worker's own
heap, where a leak would show, apart from RssFile, the pages of kb.db it has
memory-mapped, which the page cache shares with every worker) once warm and again after at
least MEMORY_REQUESTS (--memory-requests) more requests (search and wizard steps at 16
connections, alternated); with --json FILE also writes them. The site served is the shipped one (its trees,
articles, site.yaml and theme) with the bench corpus's articles CORPUS
added, built by KBGEN: the corpus has no trees of its own. A benchmark, not a test: nothing here passes or
fails on a time. tools/bench.py calls it for `make bench`.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONNECTIONS = (1, 16, 256)
MEMORY_REQUESTS = 100000
WIZARD_STEP = ("/cgi-bin/kb.cgi/wizard/mail-not-arriving/check-spam"
               "?delivery-error-shown=no")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lua_script(paths, folder):
    """A wrk script sending the paths in turn, one per request."""
    path = os.path.join(folder, "cycle.lua")
    quoted = ",\n".join('  "' + p.replace("\\", "\\\\").replace('"', '\\"') + '"'
                        for p in paths)
    with open(path, "w", encoding="utf-8") as f:
        f.write("local paths = {\n" + quoted + "\n}\nlocal at = 0\n"
                "request = function()\n  at = at % #paths + 1\n"
                "  return wrk.format(nil, paths[at])\nend\n")
    return path


def milliseconds(text):
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url, connections, seconds, script):
    threads = min(connections, 2)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d",
               f"{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    run = subprocess.run(command + [url], capture_output=True, text=True,
                         timeout=seconds + 60)
    out = run.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    total = re.search(r"(\d+) requests in", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                        r"timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if not (rate and p50 and p99 and total):
        raise RuntimeError(f"wrk printed no figures:\n{out}\n{run.stderr}")
    return {"requests_per_s": float(rate.group(1)),
            "p50_ms": round(milliseconds(p50.group(1)), 3),
            "p99_ms": round(milliseconds(p99.group(1)), 3),
            "requests": int(total.group(1)),
            "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
            "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0}


def merged_site(corpus, folder):
    """The shipped site with the corpus's articles beside its own, as
    links (the shipped file where both have one); returns its root."""
    root = os.path.join(folder, "site")
    content = os.path.join(root, "content")
    for part in ("decision-trees", "theme", "site.yaml"):
        os.makedirs(root, exist_ok=True)
        os.symlink(os.path.join(REPO, part), os.path.join(root, part))
    for source in (os.path.join(corpus, "content"), os.path.join(REPO, "content")):
        for here, _, files in os.walk(source):
            target = os.path.join(content, os.path.relpath(here, source))
            os.makedirs(target, exist_ok=True)
            for name in files:
                link = os.path.join(target, name)
                if os.path.lexists(link):
                    os.unlink(link)
                os.symlink(os.path.join(here, name), link)
    return root


def serve(mode, cgi, out, folder):
    port = free_port()
    conf = os.path.join(folder, f"lighttpd-{mode}.conf")
    env = dict(os.environ, KB_CGI_MODE=mode, KB_CGI_SOCKET_DIR=folder)
    if mode == "cgi":
        env["KB_MAX_CONNECTIONS"] = "300"
    with open(conf, "w") as f:
        subprocess.run([os.path.join(REPO, "tools", "lighttpd-conf.sh"), out,
                        str(port), cgi], stdout=f, env=env, check=True)
    log = open(os.path.join(folder, f"lighttpd-{mode}.log"), "wb")
    server = subprocess.Popen(["lighttpd", "-D", "-f", conf], stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + WIZARD_STEP, timeout=5).read()
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"lighttpd ({mode}) did not answer")


def workers(server):
    """The FastCGI workers lighttpd started: {pid: (VmRSS, RssAnon) in kB}."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = f.read()
        except OSError:
            continue
        ppid = re.search(r"^PPid:\s+(\d+)", status, re.M)
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        anon = re.search(r"^RssAnon:\s+(\d+) kB", status, re.M)
        name = re.search(r"^Name:\s+(\S+)", status, re.M)
        if (ppid and rss and anon and name and int(ppid.group(1)) == server.pid
                and name.group(1) == "kb.cgi"):
            found[int(entry)] = (int(rss.group(1)), int(anon.group(1)))
    return found


def memory(server, base, paths, script, seconds, requests, log=print):
    """Workers' RSS warm and after at least requests more."""
    before = workers(server)
    served, rounds = 0, 0
    while served < requests:
        for target in ("search", "wizard"):
            figures = run_wrk(base + (paths[0] if target == "search" else WIZARD_STEP),
                              16, seconds, script if target == "search" else None)
            served += figures["requests"]
        rounds += 1
        log(f"bench: memory: {served} requests served, workers (VmRSS, RssAnon) "
            f"{sorted(workers(server).values())} kB")
    after = workers(server)
    same = sorted(set(before) & set(after))
    return {"requests": served,
            "workers": [{"pid": pid, "rss_kb_warm": before[pid][0],
                         "rss_kb_after": after[pid][0],
                         "change_percent": round(100.0 * (after[pid][0] - before[pid][0])
                                                 / before[pid][0], 2),
                         "anon_kb_warm": before[pid][1],
                         "anon_kb_after": after[pid][1],
                         "anon_change_percent": round(
                             100.0 * (after[pid][1] - before[pid][1])
                             / before[pid][1], 2)}
                        for pid in same],
            "workers_replaced": len(set(before) ^ set(after)) // 2}


def measure(cgi, kbgen, corpus, queries, seconds, log=print,
            memory_requests=MEMORY_REQUESTS):
    folder = tempfile.mkdtemp(prefix="kbserve-")
    out = os.path.join(folder, "out")
    log("bench: serving: building the shipped site with the corpus's articles")
    subprocess.run([kbgen, "build", "--quiet", "--root", merged_site(corpus, folder),
                    "--out", out], check=True)
    paths = ["/cgi-bin/kb.cgi/search.json?q=" + urllib.parse.quote(q)
             for q in queries]
    script = lua_script(paths, folder)
    results, servers = {}, {}
    try:
        for mode in ("cgi", "fastcgi"):
            servers[mode] = serve(mode, cgi, out, folder)
        # alternated: each case measured in both modes before the next
        for target in ("search", "wizard"):
            for connections in CONNECTIONS:
                for mode, (_, base) in servers.items():
                    url = base + (paths[0] if target == "search" else WIZARD_STEP)
                    figures = run_wrk(url, connections, seconds,
                                      script if target == "search" else None)
                    results.setdefault(target, {}).setdefault(
                        str(connections), {})[mode] = figures
                    log(f"bench: {target}, {connections} connections, {mode}: "
                        f"{figures['requests_per_s']:.0f} requests/s, p99 "
                        f"{figures['p99_ms']} ms, errors "
                        f"{figures['socket_errors'] + figures['non_2xx_3xx']}")
        server, base = servers["fastcgi"]
        results["memory"] = memory(server, base, paths, script, seconds,
                                   memory_requests, log)
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)
    return results


def print_table(results, out=sys.stdout):
    print("kb.cgi through lighttpd: plain CGI against FastCGI "
          "(requests/s, p50 / p99 ms, errors)", file=out)
    print(f"  {'':8} {'conns':>5}  {'CGI':>30}  {'FastCGI':>30}  {'ratio':>6}", file=out)
    for target, by_connections in results.items():
        if target == "memory":
            continue
        for connections, modes in by_connections.items():
            cells = []
            for mode in ("cgi", "fastcgi"):
                f = modes[mode]
                cells.append(f"{f['requests_per_s']:8.0f}/s {f['p50_ms']:7.2f} / "
                             f"{f['p99_ms']:7.2f} {f['socket_errors'] + f['non_2xx_3xx']:4d}")
            ratio = (modes["fastcgi"]["requests_per_s"] / modes["cgi"]["requests_per_s"]
                     if modes["cgi"]["requests_per_s"] else float("nan"))
            print(f"  {target:8} {connections:>5}  {cells[0]:>30}  {cells[1]:>30}  "
                  f"{ratio:6.1f}", file=out)
    memory = results.get("memory")
    if memory:
        print(f"FastCGI workers' resident memory, warm and after "
              f"{memory['requests']} more requests (kB):", file=out)
        for worker in memory["workers"]:
            print(f"  pid {worker['pid']:>7}: VmRSS {worker['rss_kb_warm']:>7} -> "
                  f"{worker['rss_kb_after']:>7}  {worker['change_percent']:+.2f} %;"
                  f" of it RssAnon {worker['anon_kb_warm']:>7} -> "
                  f"{worker['anon_kb_after']:>7}  {worker['anon_change_percent']:+.2f} %",
                  file=out)
        if memory["workers_replaced"]:
            print(f"  {memory['workers_replaced']} workers were replaced meanwhile",
                  file=out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cgi")
    parser.add_argument("kbgen")
    parser.add_argument("corpus")
    parser.add_argument("queries")
    parser.add_argument("seconds", nargs="?", type=int, default=10)
    parser.add_argument("--json")
    parser.add_argument("--memory-requests", type=int, default=MEMORY_REQUESTS)
    args = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("lighttpd") is None:
        print("bench_serve.py: needs wrk and lighttpd (apt-get install wrk lighttpd)",
              file=sys.stderr)
        return 1
    with open(args.queries, encoding="utf-8") as f:
        queries = [line.strip() for line in f if line.strip()]
    results = measure(os.path.abspath(args.cgi), os.path.abspath(args.kbgen),
                      os.path.abspath(args.corpus), queries, args.seconds,
                      log=lambda line: print(line, file=sys.stderr),
                      memory_requests=args.memory_requests)
    print_table(results)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
