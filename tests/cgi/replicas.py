#!/usr/bin/env python3
"""replicas.py PROGRAM KBGEN ROOT SCRATCH — two machines' worth of kb.cgi
on loopback: two copies of the site (out-a, out-b, as two app servers
hold them), a FastCGI worker on each (tests/cgi/fastcgi.py), one nginx in
front with both in an upstream { }. Under load through nginx, a new
build is rolled out one copy at a time (built beside, then swapped in,
as kbgen publishes): every answer is a 200 from one build wholly (its
title and its results from the same kb.db), and once both copies are
swapped every answer is the new build's.

Prints "PASS: <suite>: ..." or "FAIL: <suite>: ..." lines ($SUITE).
"""
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fastcgi  # noqa: E402
from fastcgi_checks import build, make_site, report  # noqa: E402
import fastcgi_checks  # noqa: E402

fastcgi_checks.SUITE = os.environ.get("SUITE", "replicas")

NGINX = """daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-temp/body;
    fastcgi_temp_path {tmp}/nginx-temp/fastcgi;
    proxy_temp_path {tmp}/nginx-temp/proxy;
    upstream kbgen_cgi {{
        server unix:{a};
        server unix:{b};
    }}
    server {{
        listen 127.0.0.1:{port};
        location ~ ^/cgi-bin/kb\\.cgi(/|$) {{
            fastcgi_split_path_info ^(/cgi-bin/kb\\.cgi)(/.*)?$;
            include /etc/nginx/fastcgi_params;
            fastcgi_param PATH_INFO $fastcgi_path_info;
            fastcgi_pass kbgen_cgi;
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def classify(status, body):
    old = "旧ビルド" in body and "入れ替えの目印" not in body
    new = "新ビルド" in body and "入れ替えの目印" in body
    if status == 200 and (old or new):
        return "old" if old else "new"
    return None


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError as error:
        return 0, str(error)


def roll_out(kbgen, root, out):
    """A new build beside out, then swapped in (kbgen publishes the
    files into out with renames)."""
    return build(kbgen, root, out)


def main():
    program, kbgen, source, scratch = sys.argv[1:5]
    old_root = os.path.join(scratch, "site-old")
    new_root = os.path.join(scratch, "site-new")
    make_site(source, old_root, "旧ビルド", False)
    make_site(source, new_root, "新ビルド", True)
    outs = [os.path.join(scratch, "out-a"), os.path.join(scratch, "out-b")]
    ok, log = build(kbgen, old_root, outs[0])
    report(ok, "the first build", log)
    if not ok:
        sys.exit(1)
    shutil.copytree(outs[0], outs[1], symlinks=True)
    workers = [fastcgi.Worker(program, {"KB_DB": os.path.join(out, "kb.db")})
               for out in outs]
    port = free_port()
    os.makedirs(os.path.join(scratch, "nginx-temp"), exist_ok=True)
    with open(os.path.join(scratch, "nginx.conf"), "w") as f:
        f.write(NGINX.format(tmp=scratch, port=port, a=workers[0].path,
                             b=workers[1].path))
    nginx = subprocess.Popen(["nginx", "-p", scratch, "-c",
                              os.path.join(scratch, "nginx.conf")],
                             stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/cgi-bin/kb.cgi/search?q=kbswapmarker"
    for _ in range(100):
        if fetch(url)[0] == 200:
            break
        time.sleep(0.1)
    seen = {"old": 0, "new": 0, "bad": []}
    stop = threading.Event()

    def load():
        while not stop.is_set():
            status, body = fetch(url)
            kind = classify(status, body)
            if kind is None:
                seen["bad"].append(f"{status} {body[:80]}")
            else:
                seen[kind] += 1

    try:
        threads = [threading.Thread(target=load) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        rolled = []
        for out in outs:
            rolled.append(roll_out(kbgen, new_root, out)[0])
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()
        report(all(rolled), "the new build rolled out to both "
               "copies, one at a time, under load")
        report(not seen["bad"], f"{seen['old'] + seen['new']} "
               "answers through nginx's upstream, each a 200 wholly from one "
               "build", "; ".join(seen["bad"][:3]))
        report(seen["old"] > 0 and seen["new"] > 0,
               "answers from both builds during the roll-out",
               str({k: seen[k] for k in ("old", "new")}))
        after = [classify(*fetch(url)) for _ in range(20)]
        report(after == ["new"] * 20,
               "once both are swapped, every answer is the new build's",
               str(after))
    finally:
        nginx.terminate()
        nginx.wait()
        statuses = [worker.stop() for worker in workers]
    report(statuses == [0, 0], "both workers end on SIGTERM (exit 0)",
           str(statuses))
    sys.exit(1 if fastcgi_checks.failures else 0)


if __name__ == "__main__":
    main()
