#!/usr/bin/env python3
"""hostile.py CORPUS CGI_URL CGI_PROGRAM KB_DB — replays every request of
the hostile corpus (tests/cgi/hostile.txt, see make-hostile.py) twice:

  - over HTTP, byte for byte, to CGI_URL (kb.cgi behind lighttpd): the
    status must be the expected one and never a 5xx;
  - straight into CGI_PROGRAM (unless it is "-") with the CGI environment the request makes
    (PATH_INFO percent-decoded, QUERY_STRING as sent, at most 120 kB since
    the kernel limits one environment string): it must exit 0, print no
    sanitizer report, and answer something other than a 5xx.

Both answers are checked for escaping: a JSON body holds no '<' or '>' and
parses; an HTML body parsed as HTML holds one <script> (the theme's, by
src, empty), no <style>, no event-handler attribute, no javascript: or
data: URL, none of iframe/object/embed/svg/math/base/frame/applet, no
<meta http-equiv>, and no payload containing '<' raw. No response sets a
cookie; a Location is a wizard step of ids only.

Prints one "PASS: <suite>: ..." or "FAIL: <suite>: ... (why)" line per
request ($SUITE, default cgi), for tests/run to count.
"""
import concurrent.futures
import html.parser
import json
import os
import re
import socket
import subprocess
import sys
import urllib.parse

SUITE = os.environ.get("SUITE", "cgi")
ENV_LIMIT = 120_000
FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "base", "frame",
                  "frameset", "applet", "isindex", "style", "template"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster",
                  "background", "xlink:href"}
LOCATION = re.compile(r"^/cgi-bin/kb\.cgi/wizard/[a-z0-9-]+/[a-z0-9-]+"
                      r"(\?[a-z0-9-]+=[a-z0-9-]+(&[a-z0-9-]+=[a-z0-9-]+)*)?$")
SANITIZER = re.compile(rb"Sanitizer|runtime error:|AddressSanitizer|LeakSanitizer")


class Audit(html.parser.HTMLParser):
    """Collects what an injected payload would have added to a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.scripts = 0
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
            self.in_script = True
            src = dict(attrs).get("src") or ""
            if not src.endswith("/static/kb.js"):
                self.problems.append(f"<script> with src '{src}'")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.problems.append("<meta http-equiv>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"<{tag} {name}='{value[:40]}'>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append("inline script")


def body_problems(content_type, body, payloads):
    """Why this body lets a payload through, or [] when it does not."""
    problems = []
    if content_type.startswith("application/json"):
        if b"<" in body or b">" in body:
            problems.append("raw < or > in JSON")
        try:
            json.loads(body.decode("utf-8"))
        except ValueError as e:
            problems.append(f"JSON does not parse: {e}")
        return problems
    if not content_type.startswith("text/html"):
        return problems
    text = body.decode("utf-8", errors="replace")
    audit = Audit()
    audit.feed(text)
    audit.close()
    problems += audit.problems
    if audit.scripts > 1:
        problems.append(f"{audit.scripts} <script> elements")
    for payload in payloads:
        if "<" in payload and payload in text:
            problems.append(f"payload raw in the body: {payload[:60]!r}")
    return problems


def expand(target):
    return re.sub(r"\{\{(\d+)\}\}", lambda m: "a" * int(m.group(1)), target)


def decoded_parts(target):
    """The texts a visitor sent: decoded path and parameter names/values."""
    path, _, query = target.partition("?")
    texts = [urllib.parse.unquote(path, errors="replace")]
    for part in query.split("&"):
        name, _, value = part.partition("=")
        texts.append(urllib.parse.unquote_plus(name, errors="replace"))
        texts.append(urllib.parse.unquote_plus(value, errors="replace"))
    return [t for t in texts if t]


def http_request(host, port, method, target):
    """Sends the request as written; returns (status, headers, body)."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}",
             "Connection: close"]
    if method not in ("GET", "HEAD"):
        lines.append("Content-Length: 0")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
    data = b""
    with socket.create_connection((host, port), timeout=30) as s:
        try:
            s.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused early; the answer is still there to read
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
    head, _, body = data.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1]) if head_lines and head_lines[0] else 0
    headers = []
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    if method == "HEAD":
        body = b""
    return status, headers, body


def direct_request(program, database, method, target):
    """Runs kb.cgi with the request's environment; returns (exit status,
    stderr, status, headers, body)."""
    path, _, query = target.partition("?")
    path_bytes = urllib.parse.unquote_to_bytes(path)
    if b"\x00" in path_bytes:
        path_bytes = path_bytes.split(b"\x00")[0]  # no NUL in an environment
    env = {k: v for k, v in os.environ.items()
           if k.startswith(("ASAN_", "UBSAN_", "LSAN_"))}
    env = {k.encode(): v.encode() for k, v in env.items()}
    env.update({b"REQUEST_METHOD": method.encode(), b"PATH_INFO": path_bytes,
                b"QUERY_STRING": query[:ENV_LIMIT].encode(),
                b"SCRIPT_NAME": b"/cgi-bin/kb.cgi", b"KB_DB": database.encode(),
                b"GATEWAY_INTERFACE": b"CGI/1.1"})
    run = subprocess.run([program], env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, timeout=60)
    head, _, body = run.stdout.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    match = re.match(r"Status: (\d{3})", head_lines[0]) if head_lines else None
    headers = []
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return (run.returncode, run.stderr, int(match.group(1)) if match else 0,
            headers, body if method != "HEAD" else b"")


def header_problems(headers, from_cgi, status=200):
    problems = []
    names = [name for name, _ in headers]
    if "set-cookie" in names:
        problems.append("Set-Cookie header")
    for name, value in headers:
        if name == "location" and not LOCATION.match(value):
            problems.append(f"Location '{value[:80]}'")
    # every page, static or kb.cgi's, carries the security headers (the
    # server's own bodiless refusals of malformed requests aside)
    for needed in ("content-security-policy", "x-content-type-options",
                   "referrer-policy"):
        if (from_cgi or status < 400) and needed not in names:
            problems.append(f"no {needed}")
    if from_cgi:
        content_type = dict(headers).get("content-type", "")
        if "charset=utf-8" not in content_type:
            problems.append(f"Content-Type '{content_type}'")
        if "cache-control" not in names:
            problems.append("no cache-control")
    return problems


def check_line(url, program, database, number, line):
    """Replays one corpus line; returns its PASS or FAIL line."""
    fields = line.split(" ", 2)
    want_http, _, want_direct = fields[0].partition("/")
    want = int(want_http)
    want_direct = int(want_direct) if want_direct else want
    method = fields[1]
    target = expand(fields[2] if len(fields) > 2 else "")
    shown = f"L{number} {method} {target[:70]}" + ("…" if len(target) > 70 else "")
    problems = []
    payloads = decoded_parts(target)

    status, headers, body = http_request(url.hostname, url.port, method,
                                         url.path + target)
    if status != want:
        problems.append(f"HTTP status {status}, want {want}")
    if status >= 500:
        problems.append(f"HTTP {status}")
    # kb.cgi's answers alone say X-Frame-Options (the servers' static
    # answers carry the same CSP since issue 15)
    from_cgi = any(name == "x-frame-options" for name, _ in headers)
    problems += ["HTTP: " + p for p in header_problems(headers, from_cgi,
                                                       status)]
    problems += ["HTTP: " + p for p in body_problems(
        dict(headers).get("content-type", ""), body, payloads)]

    if program == "-":
        detail = "; ".join(problems).replace("\n", " ")
        if problems:
            return f"FAIL: {SUITE}: hostile {shown} ({detail[:800]})"
        return f"PASS: {SUITE}: hostile {shown}"
    code, stderr, status, headers, body = direct_request(
        program, database, method, target)
    if code != 0:
        problems.append(f"direct: exit status {code}")
    if SANITIZER.search(stderr):
        problems.append("direct: sanitizer: " +
                        stderr.decode("utf-8", "replace")[:300])
    if status != want_direct:
        problems.append(f"direct: status {status}, want {want_direct}")
    if status == 0 or status >= 500:
        problems.append(f"direct: status {status}")
    problems += ["direct: " + p for p in header_problems(headers, True)]
    problems += ["direct: " + p for p in body_problems(
        dict(headers).get("content-type", ""), body, payloads)]

    detail = "; ".join(problems).replace("\n", " ")
    if problems:
        return f"FAIL: {SUITE}: hostile {shown} ({detail[:800]})"
    return f"PASS: {SUITE}: hostile {shown}"


def main():
    corpus, cgi_url, program, database = sys.argv[1:5]
    url = urllib.parse.urlsplit(cgi_url)
    with open(corpus, encoding="utf-8") as f:
        lines = [(number, line) for number, line in
                 enumerate(f.read().split("\n"), 1)
                 if line.strip() and not line.startswith("#")]
    # A few at a time: each request is a process or two, mostly waiting.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(
            lambda item: check_line(url, program, database, *item), lines))
    for result in results:
        print(result)
    sys.exit(1 if any(r.startswith("FAIL") for r in results) else 0)


if __name__ == "__main__":
    main()
