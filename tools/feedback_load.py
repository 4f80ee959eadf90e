#!/usr/bin/env python3
"""feedback_load.py URL CONNECTIONS VOTES — posts VOTES votes to kb.cgi's
/feedback at URL (http://127.0.0.1:PORT) over CONNECTIONS keep-alive
connections at once, each vote on a page of its own (so that no visitor
limit applies), and prints "answered=N errors=N seconds=S". A vote counts
as answered only on a 200 with the thank-you page's JSON id."""
import http.client
import sys
import threading
import time
import urllib.parse

url, connections, votes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host = urllib.parse.urlparse(url)
lock = threading.Lock()
next_vote = 0
answered = errors = 0


def worker():
    global next_vote, answered, errors
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    while True:
        with lock:
            if next_vote >= votes:
                break
            n = next_vote
            next_vote += 1
        body = urllib.parse.urlencode({"page": f"/bench/{n}/", "kind": "article",
                                       "vote": "yes", "format": "json"})
        try:
            conn.request("POST", "/cgi-bin/kb.cgi/feedback", body, {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": url})
            response = conn.getresponse()
            data = response.read()
            ok = response.status == 200 and data.startswith(b'{"id": ')
        except Exception:
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        with lock:
            if ok:
                answered += 1
            else:
                errors += 1
    conn.close()


start = time.monotonic()
threads = [threading.Thread(target=worker) for _ in range(connections)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"answered={answered} errors={errors} seconds={time.monotonic() - start:.3f}")
