"""fastcgi.py — a FastCGI client and worker for the tests: starts kb.cgi
as a FastCGI worker on a Unix socket it listens on (descriptor 0, as
lighttpd's mod_fastcgi and spawn-fcgi give it) and sends it requests as a
web server would (the FastCGI specification, 1996: BEGIN_REQUEST with
the responder role, PARAMS, an empty STDIN; the answer's STDOUT and
STDERR records up to END_REQUEST).

    worker = Worker(program, {"KB_DB": path})
    answer = worker.request({"REQUEST_METHOD": "GET", "PATH_INFO": "/search",
                             "QUERY_STRING": "q=spf"})
    answer.stdout, answer.stderr, answer.app_status, answer.complete
    worker.stop()  # SIGTERM; returns the exit status and the log

Also usable alone: fastcgi.py PROGRAM [NAME=VALUE...] prints the answer a
fresh worker gives to one request, as a CGI process would print it: the
variables named KB_* are the worker's environment, the others the
request's parameters (REQUEST_METHOD=GET and SCRIPT_NAME=/cgi-bin/kb.cgi
unless given). Exits 0 when the request was answered whole, 1 if not.
"""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile

VERSION = 1
BEGIN_REQUEST, ABORT_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, STDERR = \
    1, 2, 3, 4, 5, 6, 7
RESPONDER = 1


def record(kind, request_id, content=b""):
    padding = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBx", VERSION, kind, request_id, len(content),
                       padding) + content + b"\0" * padding


def pair_length(length):
    return bytes([length]) if length < 128 else \
        struct.pack(">I", length | 0x80000000)


def encode_params(params):
    out = b""
    for name, value in params.items():
        name = name.encode() if isinstance(name, str) else name
        value = value.encode() if isinstance(value, str) else value
        out += pair_length(len(name)) + pair_length(len(value)) + name + value
    return out


def request_bytes(params, request_id=1, keep=False, stdin=b""):
    body = encode_params(params)
    out = record(BEGIN_REQUEST, request_id,
                 struct.pack(">HB5x", RESPONDER, 1 if keep else 0))
    for at in range(0, len(body), 65535):
        out += record(PARAMS, request_id, body[at:at + 65535])
    out += record(PARAMS, request_id)
    # a POST's body, then the empty STDIN record that ends it
    for at in range(0, len(stdin), 65535):
        out += record(STDIN, request_id, stdin[at:at + 65535])
    return out + record(STDIN, request_id)


class Answer:
    def __init__(self):
        self.stdout = b""
        self.stderr = b""
        self.app_status = None
        self.complete = False  # END_REQUEST seen

    def status(self):
        """The Status line's code, or 0."""
        first = self.stdout.split(b"\r\n", 1)[0]
        if first.startswith(b"Status: "):
            return int(first.split()[1])
        return 0

    def header(self, name):
        head = self.stdout.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        for line in head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None

    def body(self):
        return self.stdout.partition(b"\r\n\r\n")[2]


def read_answer(connection, request_id=1):
    answer, data = Answer(), b""
    while True:
        while len(data) < 8:
            chunk = connection.recv(65536)
            if not chunk:
                return answer
            data += chunk
        _, kind, rid, length, padding = struct.unpack(">BBHHBx", data[:8])
        while len(data) < 8 + length + padding:
            chunk = connection.recv(65536)
            if not chunk:
                return answer
            data += chunk
        content = data[8:8 + length]
        data = data[8 + length + padding:]
        if rid != request_id:
            continue
        if kind == STDOUT:
            answer.stdout += content
        elif kind == STDERR:
            answer.stderr += content
        elif kind == END_REQUEST:
            answer.app_status = struct.unpack(">I", content[:4])[0]
            answer.complete = True
            return answer


class Worker:
    """kb.cgi as a FastCGI worker on a socket of its own; its log (its
    standard error) in self.log_path."""

    def __init__(self, program, env, folder=None):
        self.owned = folder is None
        self.folder = folder or tempfile.mkdtemp(prefix="kbfcgi-")
        self.final_log = None
        self.path = os.path.join(self.folder, f"worker-{os.getpid()}-{id(self)}.sock")
        if os.path.exists(self.path):
            os.unlink(self.path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        listener.listen(64)
        keep = {k: v for k, v in os.environ.items()
                if k.startswith(("ASAN_", "UBSAN_", "LSAN_", "PATH"))}
        keep.update(env)
        self.log_path = self.path + ".log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([program], stdin=listener.fileno(),
                                        stdout=subprocess.DEVNULL,
                                        stderr=self.log, env=keep,
                                        close_fds=True)
        listener.close()

    def connect(self):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(30)
        connection.connect(self.path)
        return connection

    def request(self, params, request_id=1, stdin=b""):
        with self.connect() as connection:
            connection.sendall(request_bytes(params, request_id, stdin=stdin))
            return read_answer(connection, request_id)

    def alive(self):
        return self.process.poll() is None

    def stop(self, timeout=10):
        """SIGTERM, then the exit status (None if it did not end)."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None
        finally:
            self.final_log = self.log_text()
            self.log.close()
            os.unlink(self.log_path)
            if os.path.exists(self.path):
                os.unlink(self.path)
            if self.owned:
                shutil.rmtree(self.folder, ignore_errors=True)
        return self.process.returncode

    def log_text(self):
        """What the worker logged so far (all of it, once stopped)."""
        if self.final_log is not None:
            return self.final_log
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


def cgi_params(method, path_info, query, extra=None):
    """The parameters a server sends for a request of kb.cgi."""
    params = {"REQUEST_METHOD": method, "PATH_INFO": path_info,
              "QUERY_STRING": query, "SCRIPT_NAME": "/cgi-bin/kb.cgi",
              "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1"}
    params.update(extra or {})
    return params


def run_cgi(program, database, params, stdin=None):
    """The same request answered by kb.cgi as a CGI process: its output
    (stdin: a POST's body, bytes)."""
    env = {k: v for k, v in os.environ.items()
           if k.startswith(("ASAN_", "UBSAN_", "LSAN_"))}
    env = {k.encode(): v.encode() for k, v in env.items()}
    for name, value in params.items():
        name = name.encode() if isinstance(name, str) else name
        value = value.encode() if isinstance(value, str) else value
        env[name] = value
    env[b"KB_DB"] = database.encode()
    run = subprocess.run([program], env=env,
                         stdin=subprocess.DEVNULL if stdin is None else None,
                         input=stdin, capture_output=True, timeout=60)
    return run.stdout


def main():
    program = sys.argv[1]
    env, params = {}, {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "/cgi-bin/kb.cgi",
                       "GATEWAY_INTERFACE": "CGI/1.1"}
    for argument in sys.argv[2:]:
        name, _, value = argument.partition("=")
        (env if name.startswith("KB_") else params)[name] = value
    worker = Worker(program, env)
    try:
        answer = worker.request(params)
    finally:
        worker.stop()
    sys.stdout.buffer.write(answer.stdout)
    sys.stderr.write(worker.log_text())
    sys.exit(0 if answer.complete else 1)


if __name__ == "__main__":
    main()
