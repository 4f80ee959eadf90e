#!/usr/bin/env python3
"""bench.py — kbgen side by side with Hugo, Hugo + Pagefind and cmark-gfm.

Run by `make bench` (through tools/bench.sh, which installs the tools and
builds the search harness build/bench-search first). A benchmark, not a
test: it never judges a timing, and exits 0 whenever everything ran (1 when
a tool is missing or a command failed, 2 on bad settings).

Environment:
  BENCH_ARTICLES       corpus size (default 10000)
  BENCH_RUNS           timed runs of each command (default 5, at least 1)
  BENCH_PAGEFIND_RUNS  timed runs of Hugo followed by Pagefind (default 2)
  BENCH_SIZES          e.g. "1000 10000 50000": instead of the comparison,
                       time only `kbgen build` at each size (BENCH_SIZE_RUNS
                       runs each, default 3) for the cost per article
  BENCH_DIR            work folder (default build/bench)
  BENCH_SERVE_SECONDS  wrk's time per serving case (default 10; 0 skips
                       the serving comparison)
  BENCH_MEMORY_REQUESTS requests the FastCGI workers serve between the
                       two readings of their memory (default 100000)
  KB_SHARED            the shared folder (default ../shared beside the repo)
  PAGEFIND             the Pagefind binary (default: the one npm installed
                       in tools/bench/node_modules)
  BENCH_BASE           a git revision (e.g. HEAD~5, main, a commit): its
                       kbgen is built into build/bench/base/COMMIT (a git
                       worktree, `make build/kbgen`, kept for the next run)
                       and its full build is timed too, alternated with the
                       current one, for the two side by side and their ratio

The comparison: the corpus (../shared/bench/make-corpus.py) is generated
once into BENCH_DIR/corpus-N/. After one untimed warm-up of each, the
commands run alternately, run by run (kbgen, Hugo, cmark-gfm, then the
Hugo + Pagefind pair in the first BENCH_PAGEFIND_RUNS rounds), so drift on
the machine hits all of them alike:
  kbgen     build/kbgen build --root corpus-N --out runs/kbgen-K (a new folder)
  hugo      hugo --quiet --noBuildLock on a copy of the shared Hugo site,
            same content, a new destination folder runs/hugo-K
  cmark     cmark-gfm with the table, strikethrough and autolink extensions
            over every article body concatenated (front matter removed),
            output to /dev/null: the floor for any generator using cmark-gfm
  pagefind  Hugo as above, then Pagefind indexing Hugo's output
  base      with BENCH_BASE, that revision's kbgen, as kbgen above, on the
            same content with that revision's theme (runs/base-K)
Each build writes to a new folder under BENCH_DIR/runs/, and the folders
are deleted only after the timing (see Outputs: deleting a site just
before timing a build made the kernel's inode allocator the largest cost).
Each run goes through /usr/bin/time -f '%e %M %U %S': wall seconds, peak
RSS, user and system CPU seconds. build/kbgen and build/kb.cgi are copied
first, so a rebuild during the benchmark changes nothing under way.

The size of kb.db of the last timed build (and of the base's).

Search: 100 queries drawn with a fixed seed from the corpus (80 runs of 2-4
Kanji or Katakana, 20 ASCII terms), and the 50 kana and inflected queries
of tools/bench/kana-queries.txt (as customers type them: hiragana and
katakana readings, inflected verbs, polite forms), through search_run on
the kb.db kbgen just built, and through build/kb.cgi end to end when it
exists: p50 and p99 (nearest rank) in milliseconds, for each set and for
the 150 together. With BENCH_BASE, the same queries through the base's own
harness on the base's kb.db too (the module only).

Serving (issue 18), in the same run: kb.cgi through lighttpd as plain CGI
and as FastCGI workers, alternated case by case, with wrk at 1, 16 and 256
connections for search (cycling through the 100 drawn queries) and for a
wizard step: requests/s, p50 and p99, errors (tools/bench_serve.py).

Incremental builds (issue 7), in the same run: on a copy of the corpus,
BENCH_RUNS rounds of [a clean full build (--clean); a rebuild with no
change; a rebuild after appending a sentence to one article's body; a
rebuild after changing that article's title (its section, tag and home
pages list it)], each timed, and the medians as ratios to the clean full
build's median.

Prints one table and writes the same as JSON to BENCH_DIR/results.json
(and a copy named after the run: results-N.json or results-sizes.json).
"""
import argparse
import datetime
import fcntl
import glob
import hashlib
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIME = "/usr/bin/time"
QUERY_SEED = 20260601
JAPANESE_QUERIES = 80
ASCII_QUERIES = 20
KANA_QUERIES = os.path.join(REPO, "tools", "bench", "kana-queries.txt")
BASE_FOLDER = os.path.join(REPO, "build", "bench", "base")


class BenchError(Exception):
    """A missing tool or a failed command: reported, exit status 1."""


def log(message):
    print(message, file=sys.stderr, flush=True)


def usage_error(message):
    log(f"bench.py: {message}")
    sys.exit(2)


def env_int(name, default, minimum):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        usage_error(f"{name}={value!r}: want a whole number >= {minimum}")
    return number


def sizes_setting():
    value = os.environ.get("BENCH_SIZES", "").strip()
    if not value:
        return None
    try:
        sizes = [int(word) for word in value.replace(",", " ").split()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        usage_error(f"BENCH_SIZES={value!r}: want article counts, e.g. \"1000 10000 50000\"")
    return sorted(set(sizes))


# --- tools ---------------------------------------------------------------

def require_tools(need_compare):
    """The paths of everything the run needs; BenchError naming what is
    missing and how to get it."""
    missing = []
    tools = {"kbgen": os.path.join(REPO, "build", "kbgen")}
    if not os.access(tools["kbgen"], os.X_OK):
        missing.append("build/kbgen (run make)")
    if not os.access(TIME, os.X_OK):
        missing.append(f"{TIME} (apt-get install time)")
    if need_compare:
        for name in ("hugo", "cmark-gfm"):
            path = shutil.which(name)
            if path is None:
                missing.append(f"{name} (apt-get install {name})")
            tools[name] = path
        tools["pagefind"] = pagefind_path()
        if tools["pagefind"] is None:
            missing.append("Pagefind (npm ci --prefix tools/bench --ignore-scripts)")
        harness = os.path.join(REPO, "build", "bench-search")
        if not os.access(harness, os.X_OK):
            missing.append("build/bench-search (tools/bench.sh builds it)")
        tools["bench-search"] = harness
        readings = os.path.join(REPO, "build", "bench-readings")
        if not os.access(readings, os.X_OK):
            missing.append("build/bench-readings (tools/bench.sh builds it)")
        tools["bench-readings"] = readings
        cgi = os.path.join(REPO, "build", "kb.cgi")
        tools["kb.cgi"] = cgi if os.access(cgi, os.X_OK) else None
    if missing:
        raise BenchError("missing: " + "; ".join(missing) +
                         ". `make bench` installs the tools (tools/bench.sh).")
    return tools


def pagefind_path():
    if os.environ.get("PAGEFIND"):
        path = os.environ["PAGEFIND"]
        return path if os.access(path, os.X_OK) else None
    arch = {"x86_64": "x64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    folder = os.path.join(REPO, "tools", "bench", "node_modules", "@pagefind",
                          f"linux-{arch}", "bin")
    for name in ("pagefind_extended", "pagefind"):
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK):
            return path
    return None


def snapshot(path, bench_dir, name=None):
    """A private copy of a program (named name, or as the program), so a
    rebuild during the run (others work in this checkout) does not swap
    binaries under way."""
    folder = os.path.join(bench_dir, "bin")
    os.makedirs(folder, exist_ok=True)
    copy = os.path.join(folder, name or os.path.basename(path))
    shutil.copy2(path, copy)
    return copy


def first_line(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else None


def git(*args):
    try:
        out = subprocess.run(["git", "-C", REPO, *args], capture_output=True,
                             text=True, timeout=60)
    except OSError:
        return None
    return out.stdout.rstrip() if out.returncode == 0 else None


def base_setting():
    """BENCH_BASE resolved: {"rev", "commit", "subject"}, or None when it
    is not set; a usage error when git does not know the revision."""
    rev = os.environ.get("BENCH_BASE", "").strip()
    if not rev:
        return None
    commit = git("rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}")
    if not commit:
        usage_error(f"BENCH_BASE={rev!r}: not a revision of {REPO}")
    return {"rev": rev, "commit": commit,
            "subject": git("log", "-1", "--format=%s", commit)}


def build_base(base):
    """The path of BENCH_BASE's kbgen and the folder of its worktree: a
    git worktree of that commit in build/bench/base/COMMIT, where `make
    build/kbgen` runs (a no-op once built, so the build is kept from run
    to run). A lock file keeps two benchmarks from building one worktree at
    once; BenchError when git or make fails."""
    tree = os.path.join(BASE_FOLDER, base["commit"][:12])
    binary = os.path.join(tree, "build", "kbgen")
    os.makedirs(BASE_FOLDER, exist_ok=True)
    with open(tree + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(tree, ".git")):
            shutil.rmtree(tree, ignore_errors=True)
            # a worktree deleted by hand stays registered until pruned,
            # and `worktree add` refuses a registered path
            subprocess.run(["git", "-C", REPO, "worktree", "prune"], capture_output=True)
            log(f"bench: git worktree add {os.path.relpath(tree, REPO)} {base['commit'][:12]}")
            result = subprocess.run(["git", "-C", REPO, "worktree", "add", "--detach", tree,
                                     base["commit"]], capture_output=True, text=True)
            if result.returncode != 0:
                raise BenchError(f"git worktree add {tree} failed:\n{result.stderr[-2000:]}")
        if not os.access(binary, os.X_OK):
            log(f"bench: building kbgen of {base['rev']} ({base['commit'][:12]}) "
                "in its worktree")
        result = subprocess.run(["make", "--no-print-directory", "-s", "-C", tree, "-j2",
                                 "build/kbgen"], capture_output=True, text=True,
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0 or not os.access(binary, os.X_OK):
            raise BenchError(f"make build/kbgen of {base['rev']} in {tree} failed:\n"
                             f"{(result.stdout + result.stderr)[-2000:]}")
    return binary, tree


def build_base_harness(tree, bench_dir):
    """The base revision's own search harness (its tools/bench-search.c
    against its db and base archives, as its tools/bench.sh builds it), so
    that search is timed before and after too; None, with a note, when the
    revision has no such harness or it does not build."""
    source = os.path.join(tree, "tools", "bench-search.c")
    archives = [os.path.join(tree, "build", "lib", name) for name in ("db.a", "base.a")]
    harness = os.path.join(bench_dir, "bin", "bench-search-base")
    if not os.path.exists(source):
        log("bench: the base has no tools/bench-search.c: its search is not timed")
        return None
    made = subprocess.run(["make", "--no-print-directory", "-s", "-C", tree, "-j2",
                           "build/lib/db.a", "build/lib/base.a"], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    symbols = subprocess.run(["nm", "-u", archives[0]], capture_output=True, text=True)
    extra = ["-lmecab", "-lstdc++"] if " mecab_" in symbols.stdout else []
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "sqlite3", "libutf8proc"],
                           capture_output=True, text=True).stdout.split()
    os.makedirs(os.path.dirname(harness), exist_ok=True)
    built = made.returncode == 0 and subprocess.run(
        ["cc", "-O2", "-g", "-std=c11", "-D_DEFAULT_SOURCE", "-D_GNU_SOURCE",
         "-I" + os.path.join(tree, "gen"), source, *archives, *flags, *extra,
         "-o", harness], capture_output=True, text=True).returncode == 0
    if not built:
        log("bench: the base's search harness does not build: its search is not timed")
        return None
    return harness


def base_root(bench_dir, root, tree, commit):
    """A site root for the base: the corpus's content and site.yaml, and
    the base revision's own theme (templates and kbgen change together)."""
    site = os.path.join(bench_dir, f"{os.path.basename(root)}-base-{commit[:12]}")
    links = {"content": os.path.join(root, "content"),
             "site.yaml": os.path.join(root, "site.yaml"),
             "theme": os.path.join(tree, "theme")}
    os.makedirs(site, exist_ok=True)
    for name, target in links.items():
        path = os.path.join(site, name)
        if os.path.lexists(path) and (not os.path.islink(path) or
                                      os.readlink(path) != target):
            os.remove(path)
        if not os.path.lexists(path):
            os.symlink(target, path)
    return site


# --- machine -------------------------------------------------------------

def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def load_average():
    return [float(x) for x in read_text("/proc/loadavg").split()[:3]] or [0.0, 0.0, 0.0]


def cpu_busy_seconds():
    """Seconds of CPU time the whole machine has spent busy since boot."""
    fields = read_text("/proc/stat").splitlines()[0].split()[1:]
    ticks = [int(x) for x in fields]
    busy = sum(ticks) - ticks[3] - (ticks[4] if len(ticks) > 4 else 0)  # less idle, iowait
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (self_usage.ru_utime + self_usage.ru_stime +
            children.ru_utime + children.ru_stime)


def machine_info():
    cpuinfo = read_text("/proc/cpuinfo")
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", read_text("/proc/meminfo"), re.M)
    release = re.search(r'^PRETTY_NAME="?([^"\n]*)', read_text("/etc/os-release"), re.M)
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "memory_gib": round(int(memory.group(1)) / 2**20, 1) if memory else None,
        "os": release.group(1) if release else platform.platform(),
        "kernel": platform.release(),
    }


class LoadWatch:
    """The load average at the start, at each run and at the end, and the
    share of the machine's CPU that processes other than this benchmark
    used meanwhile (the figure that says how busy the machine was)."""

    def __init__(self):
        self.start = load_average()
        self.samples = [self.start[0]]
        self.started = time.monotonic()
        self.busy0 = cpu_busy_seconds()
        self.own0 = own_cpu_seconds()

    def sample(self):
        self.samples.append(load_average()[0])

    def report(self, cores):
        end = load_average()
        self.samples.append(end[0])
        elapsed = time.monotonic() - self.started
        others = (cpu_busy_seconds() - self.busy0) - (own_cpu_seconds() - self.own0)
        share = max(0.0, others / (elapsed * cores)) if elapsed > 0 else 0.0
        highest = max(self.samples)
        return {
            "start": self.start,
            "end": end,
            "max_1min": highest,
            "other_processes_cpu_share": round(share, 3),
            # The benchmark itself keeps one or two cores busy, so the load
            # average during the run says little on its own: busy means
            # loaded before it started, or others took over a tenth of the
            # CPU while it ran.
            "busy": self.start[0] > 1.0 or share > 0.1,
            "elapsed_s": round(elapsed, 1),
        }


# --- corpus --------------------------------------------------------------

def shared_folder():
    folder = os.environ.get("KB_SHARED") or os.path.join(REPO, "..", "shared")
    folder = os.path.abspath(folder)
    script = os.path.join(folder, "bench", "make-corpus.py")
    if not os.path.exists(script):
        raise BenchError(f"{script} not found (set KB_SHARED to the shared folder)")
    return folder


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def markdown_files(root):
    return sorted(glob.glob(os.path.join(root, "content", "**", "*.md"), recursive=True))


def body_of(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5:]
    return text


def ensure_corpus(bench_dir, shared, articles):
    """BENCH_DIR/corpus-N (a kbgen site root: content/, site.yaml, theme/)
    and BENCH_DIR/corpus-N.md (the bodies, concatenated), generated unless
    they exist for the same N and the same make-corpus.py."""
    script = os.path.join(shared, "bench", "make-corpus.py")
    root = os.path.join(bench_dir, f"corpus-{articles}")
    concatenated = root + ".md"
    stamp = f"{articles} {file_digest(script)}\n"
    marker = os.path.join(root, ".complete")
    if read_text(marker) != stamp or not os.path.exists(concatenated):
        log(f"bench: generating {articles} articles into {os.path.relpath(root, REPO)}")
        partial = root + ".partial"
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run([sys.executable, script, "--articles", str(articles), "--out", partial],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(partial, "site.yaml"), "w", encoding="utf-8") as f:
            f.write("title: Bench\nbase_url: http://127.0.0.1:8080/\n")
        with open(concatenated + ".partial", "w", encoding="utf-8") as out:
            for path in markdown_files(partial):
                out.write(body_of(path))
                out.write("\n\n")
        with open(os.path.join(partial, ".complete"), "w", encoding="utf-8") as f:
            f.write(stamp)
        shutil.rmtree(root, ignore_errors=True)
        os.rename(partial, root)
        os.rename(concatenated + ".partial", concatenated)
    theme = os.path.join(root, "theme")
    if os.path.realpath(theme) != os.path.join(REPO, "theme"):
        if os.path.lexists(theme):
            os.remove(theme)
        os.symlink(os.path.join(REPO, "theme"), theme)
    return root, concatenated


def draw_queries(root, path):
    """100 queries, the same for the same corpus: 2-4 character pieces of
    Kanji or Katakana runs and ASCII terms, drawn from article bodies with
    a fixed seed; written to path, one a line."""
    rng = random.Random(QUERY_SEED)
    files = markdown_files(root)
    japanese, seen = [], set()
    runs_of = {}
    attempts = 0
    while len(japanese) < JAPANESE_QUERIES and attempts < 100000:
        attempts += 1
        source = rng.choice(files)
        if source not in runs_of:
            runs_of[source] = re.findall(r"[\u4e00-\u9fff]{2,}|[\u30a1-\u30fa\u30fc]{2,}",
                                         body_of(source))
        runs = runs_of[source]
        if not runs:
            continue
        run = rng.choice(runs)
        length = rng.randint(2, min(4, len(run)))
        at = rng.randint(0, len(run) - length)
        query = run[at:at + length]
        if query not in seen:
            seen.add(query)
            japanese.append(query)
    terms = set()
    for source in files[:2000]:
        text = re.sub(r"\]\([^)]*\)", "]", body_of(source))
        terms.update(re.findall(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]+", text))
    ascii_terms = rng.sample(sorted(terms), min(ASCII_QUERIES, len(terms)))
    queries = japanese + ascii_terms
    rng.shuffle(queries)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(queries) + "\n")
    return queries


# --- timing --------------------------------------------------------------

def timed(command, label):
    """Runs command under /usr/bin/time; its wall time, peak RSS and CPU
    time. BenchError when it fails."""
    with tempfile.NamedTemporaryFile("r", prefix="bench-time-", delete=False) as f:
        report = f.name
    try:
        started = time.monotonic()
        result = subprocess.run([TIME, "-f", "%e %M %U %S", "-o", report, *command],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        monotonic = time.monotonic() - started
        lines = read_text(report).strip().splitlines()
    finally:
        os.unlink(report)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise BenchError(f"{label} exited {result.returncode}: {' '.join(command)}\n{detail}")
    try:
        wall, rss_kib, user, system = lines[-1].split()
    except (IndexError, ValueError):
        raise BenchError(f"{label}: no figures from {TIME}: {lines}")
    return {
        "wall_s": float(wall),
        "peak_rss_mib": round(int(rss_kib) / 1024, 1),
        "cpu_s": round(float(user) + float(system), 2),
        "user_s": float(user),
        "sys_s": float(system),
        "wall_monotonic_s": round(monotonic, 4),
    }


def remove(path):
    shutil.rmtree(path, ignore_errors=True)
    for staging in glob.glob(path + ".staging-*"):
        shutil.rmtree(staging, ignore_errors=True)


class Outputs:
    """Fresh, empty output folders for timed runs, deleted only once the
    timing is over.

    Deleting a site just before timing a build distorts the build: ext4
    remembers recently deleted inodes (for 60 s, 360 s while their inode
    table block is unwritten) and, on a file system without a journal as
    here, the inode allocator skips each of them on every allocation, a
    cost that grows with the number deleted. Emptying kbgen-out and
    hugo-out before each run made that scan 30 % of kbgen's samples and
    doubled its system time from run to run. So every run gets a new
    folder under BENCH_DIR/runs, and the folders are deleted at the end
    (or earlier when free space runs short, which the log says).
    """

    SPARE_BYTES = 3 << 30

    def __init__(self, bench_dir):
        self.root = os.path.join(bench_dir, "runs")
        if os.path.exists(self.root):
            log("bench: deleting the outputs an earlier bench left in runs/ "
                "(the first runs may be slower for it)")
        remove(self.root)
        os.makedirs(self.root)
        self.count = 0
        self.made = []

    def fresh(self, name, keep=()):
        """A path that does not exist yet, for one run's output."""
        if shutil.disk_usage(self.root).free < self.SPARE_BYTES:
            log("bench: low on disk space: deleting earlier runs' outputs now "
                "(the next runs allocate among recently deleted inodes)")
            for path in self.made:
                if path not in keep:
                    remove(path)
            self.made = [path for path in self.made if path in keep]
        self.count += 1
        path = os.path.join(self.root, f"{name}-{self.count}")
        self.made.append(path)
        return path

    def close(self):
        remove(self.root)


def summary(runs):
    walls = [r["wall_s"] for r in runs]
    return {
        "runs": runs,
        "median_wall_s": round(statistics.median(walls), 3),
        "min_wall_s": min(walls),
        "max_wall_s": max(walls),
        "median_cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
        "median_sys_s": round(statistics.median(r["sys_s"] for r in runs), 2),
        "median_peak_rss_mib": round(statistics.median(r["peak_rss_mib"] for r in runs), 1),
    }


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def nearest_rank(values, percent):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


# --- the comparison ------------------------------------------------------

def compare(settings, tools, bench_dir, shared, watch):
    articles = settings["articles"]
    root, concatenated = ensure_corpus(bench_dir, shared, articles)
    content = os.path.join(root, "content")
    hugo_site = os.path.join(bench_dir, "hugo-site")
    shutil.rmtree(hugo_site, ignore_errors=True)
    shutil.copytree(os.path.join(shared, "bench", "hugo-site"), hugo_site)
    for folder, _, files in os.walk(hugo_site):  # the shared copy is read-only
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    base = settings["base"]
    if base:
        base_binary, tree = build_base(base)
        base_kbgen = snapshot(base_binary, bench_dir, "kbgen-base")
        base_harness = build_base_harness(tree, bench_dir)
        base_site = base_root(bench_dir, root, tree, base["commit"])
    outputs = Outputs(bench_dir)
    last = {"kbgen": None, "hugo": None, "base": None}
    kbgen = snapshot(tools["kbgen"], bench_dir)
    cgi = snapshot(tools["kb.cgi"], bench_dir) if tools["kb.cgi"] else None
    def run_kbgen():
        last["kbgen"] = outputs.fresh("kbgen", keep=last.values())
        return timed([kbgen, "build", "--root", root, "--out", last["kbgen"]], "kbgen build")

    def run_base():
        last["base"] = outputs.fresh("base", keep=last.values())
        return timed([base_kbgen, "build", "--root", base_site, "--out", last["base"]],
                     f"kbgen build of {base['rev']}")

    def run_hugo():
        last["hugo"] = outputs.fresh("hugo", keep=last.values())
        return timed([tools["hugo"], "--quiet", "--noBuildLock", "--source", hugo_site,
                      "--contentDir", content, "--destination", last["hugo"]], "hugo")

    def run_cmark():
        return timed([tools["cmark-gfm"], "--extension", "table", "--extension",
                      "strikethrough", "--extension", "autolink", concatenated], "cmark-gfm")

    def run_pair():
        hugo = run_hugo()
        watch.sample()
        pagefind = timed([tools["pagefind"], "--site", last["hugo"], "--quiet"], "pagefind")
        pair = {
            "wall_s": round(hugo["wall_s"] + pagefind["wall_s"], 2),
            "peak_rss_mib": max(hugo["peak_rss_mib"], pagefind["peak_rss_mib"]),
            "cpu_s": round(hugo["cpu_s"] + pagefind["cpu_s"], 2),
            "user_s": round(hugo["user_s"] + pagefind["user_s"], 2),
            "sys_s": round(hugo["sys_s"] + pagefind["sys_s"], 2),
            "wall_monotonic_s": round(hugo["wall_monotonic_s"] + pagefind["wall_monotonic_s"], 4),
        }
        return hugo, pagefind, pair

    # the base right after kbgen: the two builds to compare meet the same
    # state of the machine
    plain = ([("kbgen", run_kbgen)] + ([("kbgen (base)", run_base)] if base else []) +
             [("hugo", run_hugo), ("cmark-gfm", run_cmark)])
    log(f"bench: warm-up ({', '.join(name for name, _ in plain)}) on {articles} articles")
    for name, run in plain:
        watch.sample()
        run()
    runs = {"kbgen": [], "kbgen (base)": [], "hugo": [], "cmark-gfm": [], "hugo (pair)": [],
            "pagefind": [], "hugo+pagefind": []}
    for round_number in range(settings["runs"]):
        for name, run in plain:
            watch.sample()
            runs[name].append(run())
        if round_number < settings["pagefind_runs"]:
            hugo, pagefind, pair = run_pair()
            runs["hugo (pair)"].append(hugo)
            runs["pagefind"].append(pagefind)
            runs["hugo+pagefind"].append(pair)
        log(f"bench: round {round_number + 1}/{settings['runs']}: " +
            ", ".join(f"{name} {runs[name][-1]['wall_s']:.2f} s" for name, _ in plain) +
            (f", hugo+pagefind {runs['hugo+pagefind'][-1]['wall_s']:.2f} s"
             if round_number < settings["pagefind_runs"] else ""))
    commands = {name: summary(values) for name, values in runs.items() if values}
    median = {name: commands[name]["median_wall_s"] if name in commands else None
              for name in runs}
    rss = {name: commands[name]["median_peak_rss_mib"] if name in commands else None
           for name in runs}
    cpu = {name: commands[name]["median_cpu_s"] if name in commands else None
           for name in runs}
    # Wall time is what the targets are about. CPU time is given
    # too: on a loaded machine the scheduler shares cores per thread, so a
    # program with many threads (Hugo) keeps more of the machine than one
    # with two (kbgen), and wall-time ratios swing from run to run more
    # than CPU-time ones.
    ratios = {
        "kbgen/hugo": ratio(median["kbgen"], median["hugo"]),
        "kbgen/(hugo+pagefind)": ratio(median["kbgen"], median["hugo+pagefind"]),
        "kbgen/cmark-gfm": ratio(median["kbgen"], median["cmark-gfm"]),
        "cpu kbgen/hugo": ratio(cpu["kbgen"], cpu["hugo"]),
        "cpu kbgen/(hugo+pagefind)": ratio(cpu["kbgen"], cpu["hugo+pagefind"]),
        "cpu kbgen/cmark-gfm": ratio(cpu["kbgen"], cpu["cmark-gfm"]),
        "rss kbgen/hugo": ratio(rss["kbgen"], rss["hugo"]),
        "rss kbgen/(hugo+pagefind)": ratio(rss["kbgen"], rss["hugo+pagefind"]),
    }
    # kb.db is the same whichever run wrote it (the build is deterministic)
    sizes = {"kbgen": os.path.getsize(os.path.join(last["kbgen"], "kb.db"))}
    if base:
        sizes["kbgen (base)"] = os.path.getsize(os.path.join(last["base"], "kb.db"))
        ratios.update({
            "kbgen/base": ratio(median["kbgen"], median["kbgen (base)"]),
            "cpu kbgen/base": ratio(cpu["kbgen"], cpu["kbgen (base)"]),
            "rss kbgen/base": ratio(rss["kbgen"], rss["kbgen (base)"]),
            "kb.db kbgen/base": ratio(sizes["kbgen"], sizes["kbgen (base)"]),
        })
    for name, size in sizes.items():
        commands[name]["kb_db_bytes"] = size
    watch.sample()
    search = time_search(tools["bench-search"], cgi, root,
                         os.path.join(last["kbgen"], "kb.db"), bench_dir)
    if base and base_harness:
        # the base's query code on the base's index, module only
        search["base"] = time_search(base_harness, None, root,
                                     os.path.join(last["base"], "kb.db"), bench_dir)
    search["readings"] = time_readings(tools["bench-readings"],
                                       os.path.join(last["kbgen"], "kb.db"))
    search["serving"] = time_serving(cgi, kbgen, root, bench_dir,
                                     settings["serve_seconds"])
    incremental = time_incremental(settings, kbgen, root, bench_dir, watch, outputs)
    outputs.close()
    return commands, ratios, search, incremental


def time_incremental(settings, kbgen, root, bench_dir, watch, outputs):
    """Full build, no-change, body-edit and title-edit rebuilds, by round.
    Each round's full build goes to a fresh folder (see Outputs), which
    the round's rebuilds then update."""
    site = os.path.join(bench_dir, "incremental-site")
    remove(site)
    shutil.copytree(root, site, symlinks=True)
    articles = markdown_files(site)
    articles = [a for a in articles if os.path.basename(a) != "_index.md"]
    rng = random.Random(QUERY_SEED)
    runs = {"full": [], "no change": [], "body edit": [], "title edit": []}
    log(f"bench: incremental rebuilds, {settings['runs']} rounds")
    for round_number in range(settings["runs"]):
        # stamps younger than 2 s are not trusted by the cache (a file
        # changed twice within one timestamp tick): let the last round's
        # edits age first, as a writer's would between two saves
        time.sleep(2.1)
        watch.sample()
        out = outputs.fresh("incremental")
        runs["full"].append(timed([kbgen, "build", "--clean", "--quiet", "--root", site,
                                   "--out", out], "kbgen build --clean"))
        runs["no change"].append(timed([kbgen, "build", "--quiet", "--root", site,
                                        "--out", out], "kbgen build (no change)"))
        article = rng.choice(articles)
        with open(article, "a", encoding="utf-8") as f:
            f.write(f"\n追記した一文です(第{round_number + 1}回)。\n")
        runs["body edit"].append(timed([kbgen, "build", "--quiet", "--root", site,
                                        "--out", out], "kbgen build (body edit)"))
        with open(article, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"^title: .*$", f"title: 改題した記事 {round_number + 1}", text,
                      count=1, flags=re.M)
        with open(article, "w", encoding="utf-8") as f:
            f.write(text)
        runs["title edit"].append(timed([kbgen, "build", "--quiet", "--root", site,
                                         "--out", out], "kbgen build (title edit)"))
        log(f"bench: incremental round {round_number + 1}: " +
            ", ".join(f"{name} {values[-1]['wall_s']:.3f} s" for name, values in runs.items()))
    commands = {name: summary(values) for name, values in runs.items()}
    full = commands["full"]["median_wall_s"]
    full_cpu = commands["full"]["median_cpu_s"]
    ratios = {name: {"wall": ratio(commands[name]["median_wall_s"], full),
                     "cpu": ratio(commands[name]["median_cpu_s"], full_cpu)}
              for name in ("no change", "body edit", "title edit")}
    remove(site)
    return {"commands": commands, "ratios": ratios}


def time_readings(harness, database):
    """Issue 17's two designs for kana queries, on the rows of database
    (tools/bench-readings.c): the readings table as built (each distinct
    run analysed once) against MeCab over every text, as readings put in
    the index would need, and the tokens the index would gain. Medians of
    3 rounds."""
    log("bench: readings, table against index (3 rounds)")
    result = subprocess.run([harness, database, "3"], capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"bench-readings exited {result.returncode}:\n{result.stderr[-2000:]}")
    rounds = [re.search(r"table ([\d.]+) s, index \(MeCab over every text\) ([\d.]+) s, "
                        r"the tokenizer alone ([\d.]+) s; tokens (\d+), with readings (\d+)", line)
              for line in result.stdout.splitlines() if line.startswith("round ")]
    if not rounds or None in rounds:
        raise BenchError(f"bench-readings printed no rounds:\n{result.stdout[-2000:]}")
    column = lambda i: statistics.median(float(m.group(i)) for m in rounds)
    return {"table_s": column(1), "index_s": column(2), "tokenizer_s": column(3),
            "tokens": int(rounds[0].group(4)), "tokens_with_readings": int(rounds[0].group(5)),
            "table_range_s": [min(float(m.group(1)) for m in rounds),
                              max(float(m.group(1)) for m in rounds)],
            "index_range_s": [min(float(m.group(2)) for m in rounds),
                              max(float(m.group(2)) for m in rounds)]}


def kana_queries():
    """The queries of tools/bench/kana-queries.txt, comments left out."""
    with open(KANA_QUERIES, encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    return [line for line in lines if line and not line.startswith("#")]


def time_search(harness, cgi, root, database, bench_dir):
    """Runs bench-search once over the drawn queries followed by the kana
    ones (one warm-up pass for both, as a visitor's queries come mixed),
    and splits its times by set."""
    queries = draw_queries(root, os.path.join(bench_dir, f"queries-{os.path.basename(root)}.txt"))
    kana = kana_queries()
    both_path = os.path.join(bench_dir, f"queries-{os.path.basename(root)}-and-kana.txt")
    with open(both_path, "w", encoding="utf-8") as f:
        f.write("\n".join(queries + kana) + "\n")
    log(f"bench: search, {len(queries)} + {len(kana)} kana queries" +
        (", module and kb.cgi" if cgi else ""))
    command = [harness, database, both_path] + ([cgi] if cgi else [])
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"bench-search exited {result.returncode}:\n{result.stderr[-2000:]}")
    sqlite_version, lines = None, {"search": {}, "cgi": {}}
    for line in result.stdout.splitlines():
        words = line.split()
        if words and words[0] == "sqlite":
            sqlite_version = words[1]
        elif words and words[0] in lines:
            lines[words[0]][int(words[1])] = (float(words[2]), int(words[3]))
    total = len(queries) + len(kana)
    for kind in ("search",) + (("cgi",) if cgi else ()):
        if sorted(lines[kind]) != list(range(total)):
            raise BenchError(f"bench-search gave {len(lines[kind])} {kind} times "
                             f"for {total} queries")

    def figures(indexes):
        module = [lines["search"][i] for i in indexes]
        out = {"module": dict(percentiles([ms for ms, _ in module]),
                              answered=sum(count > 0 for _, count in module),
                              how="search_run, 10 results with snippets and the total, "
                                  "one connection, after one warm-up pass")}
        if cgi:
            answers = [lines["cgi"][i] for i in indexes]
            out["cgi"] = dict(percentiles([ms for ms, _ in answers]),
                              status_200=sum(status == 200 for _, status in answers),
                              how="one kb.cgi process per query (GET /search?q=), "
                                  "whole response read, after one warm-up pass")
        else:
            out["cgi"] = {"skipped": "build/kb.cgi does not exist"}
        return out

    drawn = range(len(queries))
    search = dict(figures(drawn), queries=queries, sqlite=sqlite_version)
    search["kana"] = dict(figures(range(len(queries), total)), queries=kana)
    search["all"] = figures(range(total))
    return search


def time_serving(cgi, kbgen, root, bench_dir, seconds):
    """kb.cgi through lighttpd as plain CGI and as FastCGI workers, with
    wrk at 1, 16 and 256 connections (tools/bench_serve.py), on the
    shipped site with the corpus's articles added (for its trees); the
    drawn queries for search."""
    if seconds == 0:
        return {"skipped": "BENCH_SERVE_SECONDS=0"}
    if not cgi:
        return {"skipped": "build/kb.cgi does not exist"}
    if shutil.which("wrk") is None or shutil.which("lighttpd") is None:
        return {"skipped": "wrk or lighttpd is not installed (apt-get install wrk lighttpd)"}
    sys.path.insert(0, os.path.join(REPO, "tools"))
    import bench_serve
    queries = draw_queries(root, os.path.join(bench_dir, f"queries-{os.path.basename(root)}.txt"))
    log(f"bench: serving, CGI against FastCGI, {seconds} s a case")
    return bench_serve.measure(os.path.abspath(cgi), os.path.abspath(kbgen),
                               os.path.abspath(root), queries, seconds, log=log,
                               memory_requests=int(os.environ.get(
                                   "BENCH_MEMORY_REQUESTS",
                                   bench_serve.MEMORY_REQUESTS)))


def percentiles(values):
    return {"p50_ms": round(nearest_rank(values, 50), 3),
            "p99_ms": round(nearest_rank(values, 99), 3),
            "max_ms": round(max(values), 3)}


# --- the cost per article -------------------------------------------------

def sizes_run(settings, tools, bench_dir, shared, watch):
    roots = {n: ensure_corpus(bench_dir, shared, n)[0] for n in settings["sizes"]}
    kbgen = snapshot(tools["kbgen"], bench_dir)
    outputs = Outputs(bench_dir)
    runs = {n: [] for n in settings["sizes"]}
    for round_number in range(settings["size_runs"]):  # sizes alternate too
        for n in settings["sizes"]:
            watch.sample()
            out = outputs.fresh(f"kbgen-{n}")
            runs[n].append(timed([kbgen, "build", "--root", roots[n], "--out", out],
                                 f"kbgen build ({n} articles)"))
            log(f"bench: round {round_number + 1}/{settings['size_runs']}: "
                f"{n} articles {runs[n][-1]['wall_s']:.2f} s")
    outputs.close()
    rows = []
    for n in settings["sizes"]:
        row = dict(summary(runs[n]), articles=n)
        row["wall_ms_per_article"] = round(row["median_wall_s"] * 1000 / n, 4)
        # The fastest run is the one the rest of the machine disturbed
        # least: with 3 runs on a loaded machine the median can still be
        # a disturbed one.
        row["min_wall_ms_per_article"] = round(row["min_wall_s"] * 1000 / n, 4)
        row["cpu_ms_per_article"] = round(row["median_cpu_s"] * 1000 / n, 4)
        rows.append(row)
    base = rows[0]
    for row in rows:
        row["per_article_vs_smallest"] = ratio(row["wall_ms_per_article"],
                                               base["wall_ms_per_article"])
        row["min_per_article_vs_smallest"] = ratio(row["min_wall_ms_per_article"],
                                                   base["min_wall_ms_per_article"])
        row["cpu_per_article_vs_smallest"] = ratio(row["cpu_ms_per_article"],
                                                   base["cpu_ms_per_article"])
        row["rss_vs_smallest"] = ratio(row["median_peak_rss_mib"], base["median_peak_rss_mib"])
    return rows


# --- output --------------------------------------------------------------

def number(value, digits=2):
    return "—" if value is None else f"{value:.{digits}f}"


def print_header(results):
    machine, load = results["machine"], results["load"]
    print(f"kbgen {results['kbgen']['commit'] or '?'}"
          f"{' (uncommitted changes in ' + ', '.join(results['kbgen']['dirty']) + ')' if results['kbgen']['dirty'] else ''}"
          f" — {results['date']}")
    print(f"machine: {machine['nproc']} cores, {machine['cpu_model']}, "
          f"{machine['memory_gib']} GiB, {machine['os']}")
    print(f"load average: {load['start'][0]:.2f} at the start, {load['max_1min']:.2f} at most, "
          f"{load['end'][0]:.2f} at the end; other processes used "
          f"{load['other_processes_cpu_share'] * 100:.0f}% of the CPU meanwhile")
    if load["busy"]:
        print("NOTE: taken on a busy shared machine (load average above 1 before the run, "
              "or other processes used over a tenth of the CPU): figures are noisy; "
              "compare ratios within one run, not times across runs")


def print_compare(results):
    c = results["commands"]
    base = results.get("base")
    print()
    print(f"{results['articles']} articles; {results['runs']} runs each, alternated, after one "
          f"warm-up; Hugo + Pagefind {results['pagefind_runs']} runs")
    if base:
        print(f"base: {base['rev']} = {base['commit'][:12]} {base['subject']}")
    print(f"{'command':<22}{'wall s':>9}{'min':>8}{'max':>8}{'CPU s':>8}{'sys s':>8}"
          f"{'peak RSS MiB':>14}{'kb.db MiB':>11}")
    names = [("kbgen build", "kbgen"), ("kbgen build (base)", "kbgen (base)"),
             ("hugo", "hugo"), ("cmark-gfm (floor)", "cmark-gfm"),
             ("hugo (in the pair)", "hugo (pair)"), ("pagefind", "pagefind"),
             ("hugo + pagefind", "hugo+pagefind")]
    for label, key in names:
        if key in c:
            s = c[key]
            size = s.get("kb_db_bytes")
            print(f"{label:<22}{s['median_wall_s']:>9.2f}{s['min_wall_s']:>8.2f}"
                  f"{s['max_wall_s']:>8.2f}{s['median_cpu_s']:>8.2f}{s['median_sys_s']:>8.2f}"
                  f"{s['median_peak_rss_mib']:>14.1f}"
                  f"{'' if size is None else f'{size / 2**20:.2f}':>11}")
    r = results["ratios"]
    print("(medians; from /usr/bin/time: wall, CPU = user + sys, peak RSS; "
          "pair: the two added, the larger RSS)")
    print()
    print(f"{'ratio (medians)':<28}{'wall':>8}{'CPU':>8}{'peak RSS':>10}{'kb.db':>8}"
          f"   issue's target")
    if base:
        print(f"{'kbgen / base':<28}{number(r['kbgen/base'], 3):>8}"
              f"{number(r['cpu kbgen/base'], 3):>8}{number(r['rss kbgen/base'], 3):>10}"
              f"{number(r['kb.db kbgen/base'], 3):>8}   CPU < 1.10 (issue 17)")
    print(f"{'kbgen / hugo':<28}{number(r['kbgen/hugo'], 3):>8}{number(r['cpu kbgen/hugo'], 3):>8}"
          f"{number(r['rss kbgen/hugo'], 3):>10}{'':>8}   wall ≤ 0.30")
    print(f"{'kbgen / (hugo + pagefind)':<28}{number(r['kbgen/(hugo+pagefind)'], 3):>8}"
          f"{number(r['cpu kbgen/(hugo+pagefind)'], 3):>8}"
          f"{number(r['rss kbgen/(hugo+pagefind)'], 3):>10}")
    print(f"{'kbgen / cmark-gfm':<28}{number(r['kbgen/cmark-gfm'], 3):>8}"
          f"{number(r['cpu kbgen/cmark-gfm'], 3):>8}{'':>10}{'':>8}   wall ≤ 3")
    s = results["search"]
    print()
    print(f"{'search':<40}{'p50 ms':>8}{'p99 ms':>9}{'max ms':>9}")
    sets = [(f"{len(s['queries'])} drawn from the corpus", s),
            (f"{len(s['kana']['queries'])} kana and inflected", s["kana"]),
            (f"all {len(s['queries']) + len(s['kana']['queries'])}", s["all"])]
    for name, figures in sets:
        m = figures["module"]
        print(f"{'search_run, ' + name:<40}{m['p50_ms']:>8.2f}{m['p99_ms']:>9.2f}"
              f"{m['max_ms']:>9.2f}   {m['answered']} with results")
    if "base" in s:  # the base's harness and index, the same queries
        b = s["base"]
        for name, figures in ((f"{len(b['queries'])} drawn", b),
                              (f"{len(b['kana']['queries'])} kana", b["kana"]),
                              (f"all {len(b['queries']) + len(b['kana']['queries'])}", b["all"])):
            m = figures["module"]
            print(f"{'base search_run, ' + name:<40}{m['p50_ms']:>8.2f}{m['p99_ms']:>9.2f}"
                  f"{m['max_ms']:>9.2f}   {m['answered']} with results")
    d = s.get("readings")
    if d:
        print()
        print("kana queries, two designs (issue 17), on this kb.db's rows, medians of 3:")
        print(f"  readings table (as built, each distinct run analysed once): "
              f"{d['table_s']:.3f} s CPU ({d['table_range_s'][0]:.3f}-{d['table_range_s'][1]:.3f})")
        print(f"  readings in the index (MeCab over every text): {d['index_s']:.3f} s CPU "
              f"({d['index_range_s'][0]:.3f}-{d['index_range_s'][1]:.3f}), "
              f"index tokens {d['tokens']} -> {d['tokens_with_readings']} "
              f"(x{number(d['tokens_with_readings'] / d['tokens'] if d['tokens'] else None, 3)})")
        print(f"  (the kb tokenizer alone over the same texts: {d['tokenizer_s']:.3f} s)")
    for name, figures in sets:
        g = figures["cgi"]
        if "skipped" in g:
            print(f"{'kb.cgi end to end':<40}   skipped: {g['skipped']}")
            break
        print(f"{'kb.cgi, ' + name:<40}{g['p50_ms']:>8.2f}{g['p99_ms']:>9.2f}{g['max_ms']:>9.2f}"
              f"   {g['status_200']} answered 200")
    serving = s.get("serving")
    if serving is not None:
        print()
        if "skipped" in serving:
            print(f"kb.cgi through lighttpd, CGI against FastCGI: skipped: {serving['skipped']}")
        else:
            sys.path.insert(0, os.path.join(REPO, "tools"))
            import bench_serve
            bench_serve.print_table(serving)


def print_incremental(results):
    inc = results["incremental"]
    print()
    print(f"incremental rebuilds ({results['articles']} articles, {results['runs']} rounds)"
          f"{'wall s':>10}{'CPU s':>8}{'wall/full':>11}{'CPU/full':>10}   issue's target")
    targets = {"no change": "wall ≤ 0.01", "body edit": "wall ≤ 0.02", "title edit": ""}
    for name in ("full", "no change", "body edit", "title edit"):
        c = inc["commands"][name]
        r = inc["ratios"].get(name, {"wall": 1.0, "cpu": 1.0})
        label = "full build (--clean)" if name == "full" else name
        print(f"{label:<47}{c['median_wall_s']:>10.3f}{c['median_cpu_s']:>8.2f}"
              f"{number(r['wall'], 3):>11}{number(r['cpu'], 3):>10}   {targets.get(name, '')}")


def print_sizes(results):
    print()
    print(f"kbgen build at each size, {results['size_runs']} runs each, sizes alternated")
    print(f"{'':>9}{'median':>8}{'':>8}{'':>8}{'fastest':>8}{'ms per article':>24}"
          f"{'per article vs smallest':>27}")
    print(f"{'articles':>9}{'wall s':>8}{'CPU s':>8}{'sys s':>8}{'wall s':>8}"
          f"{'wall':>8}{'fastest':>8}{'CPU':>8}{'wall':>9}{'fastest':>9}{'CPU':>9}"
          f"{'peak RSS MiB':>14}")
    for row in results["sizes"]:
        print(f"{row['articles']:>9}{row['median_wall_s']:>8.2f}{row['median_cpu_s']:>8.2f}"
              f"{row['median_sys_s']:>8.2f}{row['min_wall_s']:>8.2f}"
              f"{row['wall_ms_per_article']:>8.3f}{row['min_wall_ms_per_article']:>8.3f}"
              f"{row['cpu_ms_per_article']:>8.3f}"
              f"{number(row['per_article_vs_smallest']):>9}"
              f"{number(row['min_per_article_vs_smallest']):>9}"
              f"{number(row['cpu_per_article_vs_smallest']):>9}"
              f"{row['median_peak_rss_mib']:>14.1f}")
    print("(medians unless 'fastest'; CPU = user + sys; per article vs smallest: the cost per "
          "article relative to the smallest size, 1.00 = flat)")


def command_line(argv):
    settings = " ".join(f"{name}={os.environ[name]}" for name in
                        ("BENCH_ARTICLES", "BENCH_RUNS", "BENCH_PAGEFIND_RUNS", "BENCH_SIZES",
                         "BENCH_SIZE_RUNS", "BENCH_DIR", "BENCH_BASE") if os.environ.get(name))
    program = "make bench" if os.environ.get("MAKELEVEL") else "tools/bench.py"
    return " ".join(x for x in (settings, program, *argv) if x)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Settings come from the environment; see the top of tools/bench.py.")
    parser.parse_args()
    sizes = sizes_setting()
    settings = {
        "articles": env_int("BENCH_ARTICLES", 10000, 1),
        "runs": env_int("BENCH_RUNS", 5, 1),
        "pagefind_runs": env_int("BENCH_PAGEFIND_RUNS", 2, 0),
        "sizes": sizes,
        "size_runs": env_int("BENCH_SIZE_RUNS", 3, 1),
        "base": base_setting(),
        "serve_seconds": env_int("BENCH_SERVE_SECONDS", 10, 0),
    }
    if sizes and settings["base"]:
        usage_error("BENCH_BASE goes with the comparison, not with BENCH_SIZES")
    settings["pagefind_runs"] = min(settings["pagefind_runs"], settings["runs"])
    bench_dir = os.path.abspath(os.environ.get("BENCH_DIR") or os.path.join(REPO, "build", "bench"))
    os.makedirs(bench_dir, exist_ok=True)
    try:
        tools = require_tools(need_compare=sizes is None)
        shared = shared_folder()
        watch = LoadWatch()
        machine = machine_info()
        dirty = git("status", "--porcelain", "--", "gen", "Makefile")
        head = git("rev-parse", "--short=12", "HEAD")
        results = {
            "schema": 1,
            "mode": "sizes" if sizes else "compare",
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": command_line(sys.argv[1:]),
            "kbgen": {"commit": head.strip() if head else None,
                      "dirty": sorted(line[3:] for line in (dirty or "").splitlines())},
            "machine": machine,
        }
        if sizes:
            results.update(sizes=sizes_run(settings, tools, bench_dir, shared, watch),
                           size_runs=settings["size_runs"])
            results["versions"] = {}
        else:
            commands, ratios, search, incremental = compare(settings, tools, bench_dir,
                                                            shared, watch)
            results.update(articles=settings["articles"], runs=settings["runs"],
                           pagefind_runs=settings["pagefind_runs"], commands=commands,
                           ratios=ratios, search=search, incremental=incremental)
            if settings["base"]:
                results["base"] = settings["base"]
            results["versions"] = {
                "hugo": first_line([tools["hugo"], "version"]),
                "cmark-gfm": first_line([tools["cmark-gfm"], "--version"]),
                "pagefind": first_line([tools["pagefind"], "--version"]),
                "sqlite": search["sqlite"],
            }
        results["load"] = watch.report(machine["nproc"])
    except BenchError as error:
        log(f"bench.py: {error}")
        return 1
    except subprocess.CalledProcessError as error:
        log(f"bench.py: {' '.join(map(str, error.cmd))} exited {error.returncode}")
        return 1
    print_header(results)
    if sizes:
        print_sizes(results)
    else:
        print_compare(results)
        print_incremental(results)
    name = "results-sizes.json" if sizes else f"results-{settings['articles']}.json"
    for path in (os.path.join(bench_dir, "results.json"), os.path.join(bench_dir, name)):
        with open(path + ".partial", "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
            f.write("\n")
        os.replace(path + ".partial", path)
    print(f"\nwritten: {os.path.relpath(os.path.join(bench_dir, 'results.json'), os.getcwd())}"
          f" (and {name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
