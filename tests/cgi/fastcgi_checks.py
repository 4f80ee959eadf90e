#!/usr/bin/env python3
"""fastcgi_checks.py PROGRAM KBGEN ROOT SCRATCH — kb.cgi as a FastCGI
worker (tests/cgi/fastcgi.py), against the site ROOT builds:

  - one worker answers every route, then the hostile corpus, then the
    routes again in reverse order, each answer byte for byte what a fresh
    CGI process answers (no state kept from one request to the next: a
    request that sets every option, then a bare one);
  - a new build swapped in under load is picked up at the next request,
    with no error and no answer mixing the two builds; a broken kb.db
    swapped in keeps the last good one answering; a kb.db missing at
    start is opened once it appears;
  - the time limit answers a request stuck on a locked kb.db with a whole
    503 on its connection and ends the worker (exit 3);
  - a client gone before or while its answer is written ends only its
    request; SIGTERM ends the worker (exit 0); the sandbox self-test kills
    it (SIGSYS), and KB_CGI_SANDBOX=0 leaves it unconfined;
  - its memory stays flat over a few thousand requests.

Prints "PASS: <suite>: ..." or "FAIL: <suite>: ..." lines ($SUITE).
"""
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fastcgi  # noqa: E402

SUITE = os.environ.get("SUITE", "fastcgi")
ENV_LIMIT = 120_000
failures = 0


def report(ok, what, detail=""):
    global failures
    if ok:
        print(f"PASS: {SUITE}: {what}")
    else:
        failures += 1
        print(f"FAIL: {SUITE}: {what}" + (f" ({detail[:600]})" if detail else ""))
    sys.stdout.flush()


def params_of(method, target):
    """A request target (path?query, percent-encoded) as CGI variables."""
    path, _, query = target.partition("?")
    path_bytes = urllib.parse.unquote_to_bytes(path)
    if b"\x00" in path_bytes:
        path_bytes = path_bytes.split(b"\x00")[0]
    return fastcgi.cgi_params(method, path_bytes, query[:ENV_LIMIT].encode())


MANY = "%E3%81%AE+" * 128
ROUTES = [
    ("GET", "/search?q=%E8%BF%B7%E6%83%91&page=2"),
    ("GET", "/search?q=SFP"),
    ("GET", "/search?q=SFP&exact=1"),
    ("GET", "/search.json?q=SFP&page=1"),
    ("GET", "/wizard/mail-not-arriving/no-bounce-server?delivery-error-shown=no"
            "&check-spam=not-found&elapsed-time=over-week&no-bounce-auth=no"),
    ("GET", "/search?q=%E8%BF%B7%E6%83%91"),
    ("GET", "/search?q=qqqzzzxxyy"),
    ("GET", "/search?q=" + MANY),
    ("GET", "/search.json?q=%E8%BF%B7%E6%83%91"),
    ("GET", "/search.json?q=%E3%82%81%E3%81%84%E3%82%8F%E3%81%8F"),
    ("HEAD", "/search?q=spf"),
    ("GET", "/wizard/mail-not-arriving"),
    ("GET", "/wizard/mail-not-arriving/delivery-error-shown"),
    ("GET", "/wizard/mail-not-arriving/check-spam?delivery-error-shown=no"),
    ("GET", "/wizard/mail-not-arriving/no-bounce-auth?delivery-error-shown=no"),
    ("GET", "/no-such-page"),
    ("GET", "/wizard/no-such-tree/x"),
    ("POST", "/search?q=a"),
    ("GET", "/search?q=" + "a" * 257),
    ("GET", "/search?q=a%00b"),
    ("GET", "/search?q=%FF"),
    ("GET", "/search"),
]


def hostile_targets(corpus):
    targets = []
    with open(corpus, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split(" ", 2)
            target = re.sub(r"\{\{(\d+)\}\}", lambda m: "a" * int(m.group(1)),
                            fields[2] if len(fields) > 2 else "")
            targets.append((fields[1], target))
    return targets


def same_as_cgi(program, db, worker, requests, label):
    """Each request through worker, byte for byte as a CGI process."""
    differ = []
    for method, target in requests:
        params = params_of(method, target)
        answer = worker.request(params)
        want = fastcgi.run_cgi(program, db, params)
        if not answer.complete or answer.stdout != want:
            differ.append(f"{method} {target[:60]}: {answer.stdout[:80]!r} "
                          f"against {want[:80]!r}")
    report(not differ, f"{label}: {len(requests)} answers as a fresh CGI "
           "process gives them", "; ".join(differ[:3]))


def check_answers(program, db, corpus):
    worker = fastcgi.Worker(program, {"KB_DB": db})
    same_as_cgi(program, db, worker, ROUTES, "every route")
    same_as_cgi(program, db, worker, hostile_targets(corpus), "the hostile corpus")
    same_as_cgi(program, db, worker, list(reversed(ROUTES)),
                "every route again, in reverse order")
    # a request with every option, then a bare one
    full = worker.request(params_of("GET", "/search?q=SFP&page=2&exact=1"))
    bare = worker.request(params_of("GET", "/search?q=SPF"))
    report(full.status() == 200 and
           bare.stdout == fastcgi.run_cgi(program, db, params_of("GET", "/search?q=SPF")),
           "a bare request after one with every option answers as a fresh process")
    report(worker.alive(), "the worker is still up")
    status = worker.stop()
    report(status == 0, "SIGTERM between requests: exit 0", f"exit {status}")
    log = worker.log_text()
    report(not re.search(r"Sanitizer|runtime error:", log),
           "no sanitizer report in the worker's log", log[:600])


def build(kbgen, root, out):
    run = subprocess.run([kbgen, "build", "--root", root, "--out", out],
                         capture_output=True, timeout=300)
    return run.returncode == 0, run.stderr.decode("utf-8", "replace")


def make_site(source, folder, title, article):
    """A copy of the shipped site with its own title and, if article, one
    more article holding the word kbswapmarker."""
    source = os.path.abspath(source)
    os.makedirs(folder, exist_ok=True)
    for part in ("decision-trees", "theme", "bounce-rules.yaml"):
        os.symlink(os.path.join(source, part), os.path.join(folder, part))
    shutil.copytree(os.path.join(source, "content"),
                    os.path.join(folder, "content"), symlinks=True)
    with open(os.path.join(source, "site.yaml"), encoding="utf-8") as f:
        config = f.read()
    config = re.sub(r"(?m)^title:.*$", f"title: {title}", config)
    with open(os.path.join(folder, "site.yaml"), "w", encoding="utf-8") as f:
        f.write(config)
    if article:
        with open(os.path.join(folder, "content", "delivery", "kbswapmarker.md"), "w",
                  encoding="utf-8") as f:
            f.write("---\ntitle: 入れ替えの目印\n---\n\nkbswapmarker の記事です。\n")


def check_swap(program, kbgen, source, scratch):
    old_root = os.path.join(scratch, "site-old")
    new_root = os.path.join(scratch, "site-new")
    make_site(source, old_root, "旧ビルド", False)
    make_site(source, new_root, "新ビルド", True)
    out = os.path.join(scratch, "swap-out")
    ok, log = build(kbgen, old_root, out)
    report(ok, "swap: the first build", log)
    if not ok:
        return
    db = os.path.join(out, "kb.db")
    worker = fastcgi.Worker(program, {"KB_DB": db})
    params = params_of("GET", "/search?q=kbswapmarker")
    seen = {"old": 0, "new": 0, "bad": []}
    stop = threading.Event()

    def classify(answer):
        body = answer.body().decode("utf-8", "replace")
        old = "旧ビルド" in body and "入れ替えの目印" not in body
        new = "新ビルド" in body and "入れ替えの目印" in body
        if answer.status() == 200 and answer.complete and (old or new):
            return "old" if old else "new"
        return None

    def load():
        while not stop.is_set():
            try:
                kind = classify(worker.request(params))
            except OSError as error:
                kind = None
                seen["bad"].append(str(error))
            if kind is None:
                seen["bad"].append("an answer of neither build, or an error")
            else:
                seen[kind] += 1

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    builds_ok = True
    for root in (new_root, old_root, new_root):
        time.sleep(0.3)
        ok, log = build(kbgen, root, out)
        builds_ok = builds_ok and ok
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join()
    report(builds_ok, "swap: three more builds swapped out/ under load")
    report(not seen["bad"], f"swap: {seen['old'] + seen['new']} answers under "
           "load, each wholly from one build, none an error",
           "; ".join(seen["bad"][:3]))
    report(seen["old"] > 0 and seen["new"] > 0,
           "swap: answers from both builds", str(seen))
    last = classify(worker.request(params))
    report(last == "new", "swap: the last build answers after the swap",
           str(last))
    # a broken kb.db swapped in: the last good one goes on answering
    with open(db + ".broken", "wb") as f:
        f.write(b"not a database" * 100)
    os.rename(db + ".broken", db)
    first, second = worker.request(params), worker.request(params)
    report(classify(first) == "new" and classify(second) == "new",
           "a broken kb.db swapped in: the build before goes on answering")
    # out/ gone for a moment: the same
    os.rename(out, out + ".away")
    report(classify(worker.request(params)) == "new",
           "kb.db missing for a moment: the build before goes on answering")
    os.rename(out + ".away", out)
    ok, log = build(kbgen, old_root, out)
    report(ok and classify(worker.request(params)) == "old",
           "a good build after the broken one is picked up")
    worker.stop()
    log = worker.log_text()
    report(log.count("file is not a database") == 1 and
           "answering from the kb.db opened before" in log,
           "the broken kb.db is logged once", log[:600])
    # a kb.db missing at start, then built
    late = os.path.join(scratch, "late-out")
    worker = fastcgi.Worker(program, {"KB_DB": os.path.join(late, "kb.db")})
    before = worker.request(params)
    ok, log = build(kbgen, new_root, late)
    after = worker.request(params)
    report(before.status() == 503 and ok and classify(after) == "new",
           "a kb.db missing at start: 503, then answered once it is built",
           f"{before.status()} {after.status()}")
    worker.stop()


def hostile_records():
    """Byte strings a broken or hostile server could send: bad versions,
    unknown types, lengths that lie, parameters that overflow, requests
    for other ids, a stream cut anywhere; each on a connection of its
    own."""
    good = fastcgi.request_bytes(params_of("GET", "/search?q=spf"))
    huge = fastcgi.encode_params({"QUERY_STRING": "q=" + "a" * 70000})
    cases = [
        b"",
        b"\0" * 8,
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        bytes([2]) + good[1:],                       # version 2
        bytes([1, 99]) + good[2:],                   # unknown record type
        good[:8] + b"\xff" * 8 + good[16:],          # a role that is no role
        fastcgi.record(fastcgi.PARAMS, 1, b"\x7f\x7fab"),  # params before BEGIN
        good.replace(b"REQUEST_METHOD", b"REQUEST_METHOX"),
        fastcgi.record(fastcgi.BEGIN_REQUEST, 1, b"\0\1\0\0\0\0\0\0") +
        fastcgi.record(fastcgi.PARAMS, 1, b"\x8f\xff\xff\xff\x01ab"),  # a length past the record
        fastcgi.record(fastcgi.BEGIN_REQUEST, 1, b"\0\1\0\0\0\0\0\0") +
        b"".join(fastcgi.record(fastcgi.PARAMS, 1, huge[at:at + 65535])
                 for at in range(0, len(huge), 65535)) +
        fastcgi.record(fastcgi.PARAMS, 1) + fastcgi.record(fastcgi.STDIN, 1),
        fastcgi.request_bytes(params_of("GET", "/search?q=spf"), request_id=0),
        fastcgi.request_bytes(params_of("GET", "/search?q=spf"), request_id=65535),
        fastcgi.record(fastcgi.ABORT_REQUEST, 1) + good,
        good[:-8] + fastcgi.record(fastcgi.STDIN, 1, b"x" * 65535) + good[-8:],
    ]
    cases += [good[:cut] for cut in range(1, len(good), 7)]
    return cases


def check_hostile_protocol(program, db):
    """The worker survives every hostile byte string, each on a connection
    of its own, and answers a good request after each."""
    worker = fastcgi.Worker(program, {"KB_DB": db})
    broken = []
    for number, data in enumerate(hostile_records()):
        try:
            with worker.connect() as connection:
                connection.settimeout(5)
                connection.sendall(data)
                connection.shutdown(1)
                while connection.recv(65536):
                    pass
        except OSError:
            pass  # refused or reset: fine, as long as the worker lives
        answer = worker.request(params_of("GET", "/search?q=spf")) if worker.alive() else None
        if answer is None or answer.status() != 200:
            broken.append(f"case {number}: {data[:24]!r}")
    report(not broken, f"{len(hostile_records())} hostile byte strings from "
           "the server's side: the worker lives and answers the next request",
           "; ".join(broken[:3]))
    status = worker.stop()
    report(status == 0, "hostile byte strings: exit 0 on SIGTERM", f"exit {status}")
    log = worker.log_text()
    report(not re.search(r"Sanitizer|runtime error:", log),
           "hostile byte strings: no sanitizer report", log[:600])


def check_time_limit(program, db, scratch):
    locked = os.path.join(scratch, "locked.db")
    shutil.copy(db, locked)
    worker = fastcgi.Worker(program, {"KB_DB": locked, "KB_CGI_TIME_LIMIT": "0.1"})
    first = worker.request(params_of("GET", "/search.json?q=spf"))
    writer = sqlite3.connect(locked, isolation_level=None)
    writer.execute("PRAGMA journal_mode=DELETE")
    writer.execute("BEGIN EXCLUSIVE")
    start = time.monotonic()
    answer = worker.request(params_of("GET", "/search.json?q=dkim"))
    elapsed = time.monotonic() - start
    writer.execute("ROLLBACK")
    writer.close()
    status = worker.stop()
    length = answer.header("Content-Length")
    report(first.status() == 200, "time limit: the request before answered")
    report(answer.status() == 503 and answer.complete and length is not None and
           int(length) == len(answer.body()) and
           answer.header("Retry-After") == "10",
           "time limit: a request stuck on a locked kb.db gets a whole 503",
           repr(answer.stdout[:200]))
    report(elapsed < 1, f"time limit: within the limit ({elapsed:.2f} s)")
    report(status == 3, "time limit: the worker ends (exit 3)", f"exit {status}")
    report("the request took over its time limit (100 ms): answered 503"
           in worker.log_text(), "time limit: logged", worker.log_text())


def check_clients(program, db):
    worker = fastcgi.Worker(program, {"KB_DB": db})
    # gone before its answer: connected, asked, closed at once
    for _ in range(20):
        connection = worker.connect()
        connection.sendall(fastcgi.request_bytes(params_of("GET", "/search?q=" + MANY)))
        connection.close()
    # connected and closed without a word; a request cut in the middle
    worker.connect().close()
    connection = worker.connect()
    connection.sendall(fastcgi.request_bytes(params_of("GET", "/search?q=spf"))[:20])
    connection.close()
    answer = worker.request(params_of("GET", "/search?q=spf"))
    report(worker.alive() and answer.status() == 200,
           "clients gone before or while answered: the next request is answered")
    # memory: the resident size after a warm-up and after 3,000 more
    def rss():
        with open(f"/proc/{worker.process.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    queries = ["spf", "dkim", "%E8%BF%B7%E6%83%91", "SFP",
               "%E3%82%81%E3%81%84%E3%82%8F%E3%81%8F", "qqqzzz"]
    def mix(count):
        for i in range(count):
            target = (f"/search.json?q={queries[i % len(queries)]}" if i % 3
                      else "/wizard/mail-not-arriving/check-spam?"
                           "delivery-error-shown=no")
            worker.request(params_of("GET", target))
    # the same mix warms it up (SQLite's page cache fills) and is measured
    mix(1000)
    warm = rss()
    mix(3000)
    grown = rss()
    report(grown <= warm * 1.05, f"memory flat over 3,000 requests "
           f"({warm} kB → {grown} kB resident)")
    status = worker.stop()
    report(status == 0, "SIGTERM: exit 0", f"exit {status}")


def check_sandbox(program, db):
    worker = fastcgi.Worker(program, {"KB_DB": db, "KB_CGI_SANDBOX_SELFTEST": "1"})
    try:
        worker.process.wait(10)
    except subprocess.TimeoutExpired:
        pass
    status = worker.stop()
    report(status == -signal.SIGSYS,
           "self-test: the forbidden call kills the worker (SIGSYS)", f"exit {status}")
    worker = fastcgi.Worker(program, {"KB_DB": db, "KB_CGI_SANDBOX_SELFTEST": "1",
                                      "KB_CGI_SANDBOX": "0"})
    answer = worker.request(params_of("GET", "/search?q=spf"))
    status = worker.stop()
    report(answer.status() == 200 and status == 0,
           "sandbox off (KB_CGI_SANDBOX=0): serving, the self-test's call allowed")
    report("kb.cgi: sandbox off (KB_CGI_SANDBOX=0)" in worker.log_text() and
           "socket(2) was allowed" in worker.log_text(),
           "sandbox off: logged", worker.log_text())


def main():
    program, kbgen, root, scratch = sys.argv[1:5]
    corpus = os.path.join(root, "tests", "cgi", "hostile.txt")
    out = os.path.join(scratch, "out")
    ok, log = build(kbgen, root, out)
    report(ok, "the shipped site builds", log)
    if not ok:
        sys.exit(1)
    db = os.path.join(out, "kb.db")
    check_answers(program, db, corpus)
    check_clients(program, db)
    check_hostile_protocol(program, db)
    check_time_limit(program, db, scratch)
    check_sandbox(program, db)
    check_swap(program, kbgen, root, scratch)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
