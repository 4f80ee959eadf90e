#!/usr/bin/env python3
"""Randomised check that an incremental build equals a clean one.

usage: tests/incremental.py KBGEN WORKDIR EDITS [SEED]

Copies the shipped site (plus generated articles that share tags, link to
each other and carry aliases) into WORKDIR, builds it, then applies EDITS
random edits one at a time: article bodies, headings, links (Markdown's
and Hugo's ref shortcodes), titles,
descriptions, tags, dates, weights, slugs, aliases, drafts, Hugo's url,
linkTitle, summary, keywords, publishDate, expiryDate, headless and
_build, the clock moved on (KBGEN_NOW) with no file changed, new, deleted
and renamed articles, page bundles, images beside articles and in
bundles (added, referenced, redrawn at another size, unreferenced,
deleted), trees, the theme's layout, site.yaml, a touch without change,
and same-size edits made right after a build. After each
edit it runs an incremental `kbgen build` on the kept output and a
`kbgen build --clean` into a fresh folder and checks:

  - both exit with the same status and print the same diagnostics;
  - when they succeed, every file is byte-identical (the cache folder
    .kbgen aside) and kb.db holds the same rows and index entries
    (tools/kbdb-dump.sh; the SQLite file bytes differ after an in-place
    update);
  - when they fail, the kept output is exactly what it was before.

Prints PASS:/FAIL: lines like the other suites. The seed is printed;
KB_SEED or the SEED argument replays a run.
"""
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "images"))
import make as images  # noqa: E402  (tests/images/make.py)

KBGEN, WORK, EDITS = sys.argv[1], sys.argv[2], int(sys.argv[3])
SEED = int(sys.argv[4]) if len(sys.argv) > 4 else int(
    os.environ.get("KB_SEED", random.SystemRandom().randrange(1 << 30)))
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DUMP = os.path.join(REPO, "tools", "kbdb-dump.sh")
rng = random.Random(SEED)
SUITE = os.environ.get("SUITE", "incremental")
SITE = os.path.join(WORK, "site")
OUT = os.path.join(WORK, "out")
CLEAN = os.path.join(WORK, "clean")
passes = failures = 0
# the builds' now (KBGEN_NOW, seconds since 1970): an edit moves it on
NOW = [1780272000]	# 2026-06-01

TAGS = ["届かない", "SPF", "DKIM", "エラー", "設定", "迷惑メール", "再配信",
        "Gmail", "DNS", "到達率"]
WORDS = ["メール", "配信", "受信側", "エラー", "設定", "確認", "送信ドメイン認証",
         "レコード", "迷惑メールフォルダ", "再配信", "DNS", "Gmail", "到達率"]


def ok(name):
    global passes
    passes += 1
    print(f"PASS: {SUITE}: {name}")


def bad(name, detail):
    global failures
    failures += 1
    print(f"FAIL: {SUITE}: {name} (seed {SEED})")
    for line in detail.splitlines()[:40]:
        print(f"    {line}")


def sentence():
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) + "。"


# ---- the site on disk ----

def articles():
    """Every article file: at any depth (Hugo's nested sections, pages of
    content/ itself), a leaf bundle's index.md, whose folder holds no
    other articles; not _index.md, not hidden ones."""
    found = []
    for base, dirs, names in os.walk(os.path.join(SITE, "content")):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if base != os.path.join(SITE, "content") and "index.md" in names:
            found.append(os.path.join(base, "index.md"))
            dirs[:] = []
            continue
        for name in sorted(names):
            if (name.endswith(".md") and name != "_index.md"
                    and not name.startswith(".")):
                found.append(os.path.join(base, name))
    return found


def image_files():
    """Every image file under the content folder."""
    found = []
    for base, dirs, names in os.walk(os.path.join(SITE, "content")):
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".png", ".gif", ".svg", ".webp")):
                found.append(os.path.join(base, name))
    return found


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def split(text):
    """(front matter lines, body) of an article; None for an article
    without front matter (drop_front_matter), whose title is its heading."""
    if not text.startswith("---"):
        return None, text
    first = text.index("\n") + 1
    end = text.index("\n---", first - 1)
    return text[first:end].split("\n"), text[text.index("\n", end + 1) + 1:]


def join(front, body):
    if front is None:
        return body
    return "---\n" + "\n".join(front) + "\n---\n" + body


def set_key(front, key, value):
    """Sets, replaces or (value None) removes a top-level key."""
    kept = [line for line in front
            if not line.lower().startswith(key.lower() + ":")]
    if value is not None:
        kept.append(f"{key}: {value}")
    return kept


def get_key(front, key):
    for line in front:
        if line.lower().startswith(key.lower() + ":"):
            return line[len(key) + 1:].strip()
    return None


def linkable(path):
    """A relative link from path's folder to another article."""
    others = [a for a in articles() if a != path]
    target = rng.choice(others)
    rel = os.path.relpath(target, os.path.dirname(path))
    if rng.random() < 0.3:
        # to a heading that exists
        headings = [l[3:].strip() for l in split(read(target))[1].split("\n")
                    if l.startswith("## ")]
        if headings:
            heading = rng.choice(headings)
            slug = "".join(c for c in heading.lower() if c.isalnum() or c in "-_ ")
            rel += "#" + slug.replace(" ", "-")
    return rel


def generate_extra():
    """Extra articles with shared tags, links and aliases."""
    for section in ("delivery", "errors", "deliverability"):
        for n in range(4):
            path = os.path.join(SITE, "content", section, f"extra-{n}.md")
            tags = ", ".join(rng.sample(TAGS, rng.randint(1, 3)))
            front = [f"title: 追加記事 {section} {n}",
                     f"description: {sentence()}",
                     f"date: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                     f"tags: [{tags}]"]
            if n == 0:
                front.append(f"aliases: [/old/{section}-{n}/]")
            body = f"\n{sentence()}\n\n## 見出し {n}\n\n{sentence()}\n"
            write(path, join(front, body))
    for path in articles():
        if "extra-" in os.path.basename(path):
            front, body = split(read(path))
            body += f"\n関連: [別の記事]({linkable(path)})\n"
            write(path, join(front, body))
    # articles published or taken away as the clock moves on (time_passes)
    for section in ("delivery", "errors", "deliverability"):
        for n, key in enumerate(["publishDate", "expiryDate"]):
            moment = NOW[0] + rng.randint(3, 40) * 86400
            when = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(moment))
            front = [f"title: 日付のある記事 {section} {n}", f"{key}: {when}",
                     f"tags: [{rng.choice(TAGS)}]"]
            write(os.path.join(SITE, "content", section, f"dated-{n}.md"),
                  join(front, f"\n{sentence()}\n"))


# ---- edits ----

def pick():
    """An article with YAML front matter (or none): the edits below
    rewrite YAML lines; TOML articles have edits of their own."""
    return rng.choice([path for path in articles()
                       if not os.path.basename(path).startswith("toml-")])


def edit_body():
    path = pick()
    front, body = split(read(path))
    choice = rng.randrange(5)
    if choice == 4:
        # Hugo's shortcodes: a ref is a link to the build, param the
        # title (content/shortcode.h)
        body += (f"\n[参照]({{{{< ref \"{linkable(path)}\" >}}}})、"
                 f"{{{{< param \"title\" >}}}}。\n")
    elif choice == 0:
        body += f"\n{sentence()}\n"
    elif choice == 1:
        body += f"\n## 新しい見出し {rng.randrange(1000)}\n\n{sentence()}\n"
    elif choice == 2:
        body += f"\n詳しくは[こちら]({linkable(path)})をご覧ください。\n"
    else:
        lines = body.split("\n")
        if len(lines) > 3:
            del lines[rng.randrange(1, len(lines))]
        body = "\n".join(lines)
    write(path, join(front, body))
    return f"body of {os.path.basename(path)}"


def edit_same_size():
    """A same-length change right after a build: the stamp race."""
    path = pick()
    text = read(path)
    front, body = split(text)
    index = body.find("メール")
    if index < 0:
        return edit_body()
    body = body[:index] + "メーヌ" + body[index + 3:]
    write(path, join(front, body))
    return f"same-size edit of {os.path.basename(path)}"


def edit_front(key, value_fn):
    path = pick()
    front, body = split(read(path))
    if front is None:
        front = [f"title: 前付けを戻した記事 {rng.randrange(1000)}"]
    write(path, join(set_key(front, key, value_fn(front)), body))
    return f"{key} of {os.path.basename(path)}"


def title(front):
    return f"題名 {rng.randrange(10000)} {rng.choice(WORDS)}"


def description(front):
    return None if rng.random() < 0.2 else sentence()


def tags(front):
    return "[" + ", ".join(rng.sample(TAGS, rng.randint(0, 3))) + "]"


def date(front):
    return f"2026-0{rng.randint(1, 9)}-{rng.randint(10, 28)}"


def weight(front):
    return str(rng.randint(0, 90))


def slug(front):
    return None if rng.random() < 0.4 else f"s{rng.randrange(100000)}"


def alias(front):
    return None if rng.random() < 0.4 else f"[/moved/{rng.randrange(100000)}/]"


def draft(front):
    return rng.choice(["true", "false", None])


def near_now(front):
    """A date from 10 days before now to 30 after (mostly to come, so
    that the clock moving on crosses it), or none."""
    if rng.random() < 0.2:
        return None
    moment = NOW[0] + rng.randint(-10, 30) * 86400 + rng.randint(0, 23) * 3600
    return time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(moment))


def url(front):
    return None if rng.random() < 0.4 else f"/moved-to/{rng.randrange(100000)}/"


def link_title(front):
    return None if rng.random() < 0.3 else f"短 {rng.randrange(1000)}"


def summary(front):
    return None if rng.random() < 0.3 else sentence()


def keywords(front):
    return "[" + ", ".join(rng.sample(WORDS, rng.randint(0, 3))) + "]"


def headless(front):
    return rng.choice(["true", "false", None, None])


def build_options(front):
    return rng.choice(["{list: never}", "{render: never}", "{list: always}",
                       "{render: always, publishResources: false}", None])


def time_passes(days=None):
    NOW[0] += (days or rng.randint(3, 20)) * 86400
    return "the clock moved on, no file changed"


def drop_front_matter():
    """Hugo's leniencies: no front matter at all (the title is the first
    heading), or keys capitalised and fences with trailing spaces."""
    path = pick()
    front, body = split(read(path))
    if front is None:
        return edit_body()
    if rng.random() < 0.5:
        write(path, f"# 前付けなし {rng.randrange(1000)}\n{body}")
        return f"front matter of {os.path.basename(path)} dropped"
    front = [line[:1].upper() + line[1:] if line[:1].isalpha() else line
             for line in front]
    write(path, "--- \n" + "\n".join(front) + "\n---  \n" + body)
    return f"keys of {os.path.basename(path)} capitalised"


def to_json_front_matter():
    """Hugo's JSON front matter: an article's one-line YAML keys written
    as the '{' object the file starts with, the body after its '}'."""
    path = pick()
    front, body = split(read(path))
    if front is None or not all(re.match(r"^\w+: \S", line) for line in front):
        return edit_body()
    fields = {}
    for line in front:
        key, value = line.split(": ", 1)
        if value.startswith("[") and value.endswith("]"):
            fields[key] = [item.strip() for item in value[1:-1].split(",")
                           if item.strip()]
        elif value in ("true", "false"):
            fields[key] = value == "true"
        elif key == "weight" and value.isdigit():
            fields[key] = int(value)
        else:
            fields[key] = value
    write(path, json.dumps(fields, ensure_ascii=rng.random() < 0.5, indent=2)
          + "\n" + body)
    return f"front matter of {os.path.basename(path)} written as JSON"


def add_article():
    section = rng.choice(["delivery", "errors", "deliverability"])
    path = os.path.join(SITE, "content", section, f"new-{rng.randrange(100000)}.md")
    tags_text = ", ".join(rng.sample(TAGS, rng.randint(0, 3)))
    front = [f"title: 新しい記事 {rng.randrange(1000)}",
             f"description: {sentence()}", f"date: {date(None)}",
             f"tags: [{tags_text}]"]
    write(path, join(front, f"\n{sentence()}\n\n## 手順\n\n{sentence()}\n"
                     f"\n[参考]({linkable(path)})\n"))
    return f"new article {os.path.basename(path)}"


def toml_article_text():
    tags_text = ", ".join(f'"{tag}"' for tag in rng.sample(TAGS, rng.randint(0, 3)))
    return (f'+++\ntitle = "TOML の記事 {rng.randrange(1000)}"\n'
            f'description = "{sentence()}"\ndate = {date(None)}\n'
            f'weight = {rng.randrange(100)}\ntags = [{tags_text},]\n'
            f'[params]\nnote = {{ level = {rng.randrange(3)} }}\n+++\n'
            f'\n{sentence()}\n\n## 手順\n\n{sentence()}\n')


def add_toml_article():
    section = rng.choice(["delivery", "errors", "deliverability"])
    path = os.path.join(SITE, "content", section, f"toml-{rng.randrange(100000)}.md")
    write(path, toml_article_text())
    return f"new TOML article {os.path.basename(path)}"


def edit_toml_article():
    """Rewrites a TOML article's front matter and body (a new one when
    there is none yet)."""
    found = [path for path in articles()
             if os.path.basename(path).startswith("toml-")]
    if not found:
        return add_toml_article()
    path = rng.choice(found)
    write(path, toml_article_text())
    return f"rewrote TOML article {os.path.basename(path)}"


def delete_article():
    path = pick()
    os.unlink(path)
    return f"deleted {os.path.basename(path)} (may break links)"


def rename_article():
    path = pick()
    new = os.path.join(os.path.dirname(path), f"renamed-{rng.randrange(100000)}.md")
    os.rename(path, new)
    return f"renamed {os.path.basename(path)} (may break links)"


def image_bytes(name):
    width, height = rng.randint(1, 900), rng.randint(1, 900)
    if name.endswith(".png"):
        return images.png(min(width, 40), min(height, 40))
    if name.endswith(".gif"):
        return images.gif(min(width, 12), min(height, 12))
    if name.endswith(".webp"):
        return images.webp_lossless(width, height)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{height}"><rect width="{width}" height="{height}"/></svg>\n').encode()


def add_image():
    """A new image beside an article (in its folder, or a subfolder),
    referenced from its body."""
    path = pick()
    name = f"img-{rng.randrange(100000)}." + rng.choice(["png", "gif", "svg", "webp"])
    if rng.random() < 0.3:
        name = "images/" + name
    target = os.path.join(os.path.dirname(path), name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        f.write(image_bytes(name))
    front, body = split(read(path))
    write(path, join(front, body + f"\n![図 {rng.randrange(100)}]({name})\n"))
    return f"image {name} beside {os.path.basename(path)}"


def redraw_image():
    """An image rewritten at another size (its pages show the new one)."""
    found = image_files()
    if not found:
        return add_image()
    path = rng.choice(found)
    with open(path, "wb") as f:
        f.write(image_bytes(path))
    return f"redrew {os.path.basename(path)}"


def delete_image():
    found = image_files()
    if not found:
        return add_image()
    path = rng.choice(found)
    os.unlink(path)
    return f"deleted {os.path.basename(path)} (may break images)"


def unreference_image():
    """An article's image line removed (the file stays, unpublished)."""
    for path in rng.sample(articles(), len(articles())):
        front, body = split(read(path))
        lines = body.split("\n")
        shown = [i for i, line in enumerate(lines) if line.startswith("![")]
        if shown:
            del lines[rng.choice(shown)]
            write(path, join(front, "\n".join(lines)))
            return f"an image line of {os.path.basename(path)} removed"
    return add_image()


def add_bundle():
    """A page bundle: content/<section>/<name>/index.md and its image."""
    section = rng.choice(["delivery", "errors", "deliverability"])
    name = f"bundle-{rng.randrange(100000)}"
    parent = (nested_folder() if rng.random() < 0.4
              else os.path.join(SITE, "content", section))
    folder = os.path.join(parent, name)
    os.makedirs(folder)
    with open(os.path.join(folder, "diagram.svg"), "wb") as f:
        f.write(image_bytes("diagram.svg"))
    path = os.path.join(folder, "index.md")
    front = [f"title: 図のある記事 {rng.randrange(1000)}",
             f"description: {sentence()}", f"date: {date(None)}"]
    write(path, join(front, f"\n{sentence()}\n\n![図](diagram.svg)\n"
                     f"\n[参考]({linkable(path)})\n"))
    return f"new bundle {section}/{name}"


def nested_folder():
    """A folder below a section (made when new), one or two levels down."""
    section = rng.choice(["delivery", "errors", "deliverability"])
    parts = [section] + [rng.choice(["guide", "faq", "mx"])
                         for _ in range(rng.randint(1, 2))]
    folder = os.path.join(SITE, "content", *parts)
    os.makedirs(folder, exist_ok=True)
    return folder


def add_nested_article():
    """An article in a folder below a section, which may or may not be a
    section of its own (an _index.md)."""
    folder = nested_folder()
    path = os.path.join(folder, f"deep-{rng.randrange(100000)}.md")
    front = [f"title: 深い記事 {rng.randrange(1000)}",
             f"description: {sentence()}", f"date: {date(None)}"]
    write(path, join(front, f"\n{sentence()}\n\n## 手順\n\n{sentence()}\n"
                     f"\n[参考]({linkable(path)})\n"))
    return f"new nested article {os.path.relpath(path, SITE)}"


def edit_section_index():
    """Writes (or rewrites) a nested folder's _index.md, making it a
    section, with a body linking an article; or removes one."""
    folder = nested_folder()
    path = os.path.join(folder, "_index.md")
    if os.path.exists(path) and rng.random() < 0.3:
        os.unlink(path)
        return f"removed {os.path.relpath(path, SITE)}"
    front = [f"title: 小分類 {rng.randrange(1000)}",
             f"description: {sentence()}", f"weight: {rng.randrange(50)}"]
    write(path, join(front, f"\n{sentence()}\n\n[まず読む]({linkable(path)})\n"))
    return f"section page {os.path.relpath(path, SITE)}"


def edit_home_index():
    path = os.path.join(SITE, "content", "_index.md")
    if os.path.exists(path) and rng.random() < 0.3:
        os.unlink(path)
        return "removed content/_index.md"
    front = [f"title: ようこそ {rng.randrange(1000)}", f"description: {sentence()}"]
    write(path, join(front, f"\n{sentence()}\n\n[はじめに]({linkable(path)})\n"))
    return "home page's _index.md"


def add_top_page():
    """A page of content/ itself, or a leaf bundle there."""
    name = f"page-{rng.randrange(100000)}"
    if rng.random() < 0.5:
        path = os.path.join(SITE, "content", name + ".md")
    else:
        os.makedirs(os.path.join(SITE, "content", name))
        path = os.path.join(SITE, "content", name, "index.md")
    front = [f"title: 上の記事 {rng.randrange(1000)}",
             f"description: {sentence()}", f"date: {date(None)}"]
    write(path, join(front, f"\n{sentence()}\n\n[参考]({linkable(path)})\n"))
    return f"new top-level page {os.path.relpath(path, SITE)}"


def edit_tree():
    path = os.path.join(SITE, "decision-trees", "mail-not-arriving.yaml")
    text = read(path)
    index = text.find("title:", rng.randrange(len(text) // 2))
    if index < 0:
        index = text.find("title:")
    text = text[:index] + f"title: 変更した質問 {rng.randrange(1000)}" + \
        text[text.index("\n", index):]
    write(path, text)
    return "tree node title"


def edit_layout():
    path = os.path.join(SITE, "theme", "layout.html")
    text = read(path)
    write(path, text.replace("</footer>", f"<!-- {rng.randrange(1000)} --></footer>", 1))
    return "theme layout"


def edit_config():
    path = os.path.join(SITE, "site.yaml")
    lines = read(path).split("\n")
    lines = [f"title: サポートサイト {rng.randrange(1000)}"
             if l.startswith("title:") else l for l in lines]
    write(path, "\n".join(lines))
    return "site.yaml title"


def touch():
    path = pick()
    os.utime(path)
    return f"touched {os.path.basename(path)}"


def nothing():
    return "no change"


EDITS_BY_WEIGHT = [
    (edit_body, 20), (edit_same_size, 6),
    (lambda: edit_front("title", title), 8),
    (lambda: edit_front("description", description), 5),
    (lambda: edit_front("tags", tags), 8),
    (lambda: edit_front("lastmod", date), 5),
    (lambda: edit_front("weight", weight), 4),
    (lambda: edit_front("slug", slug), 4),
    (lambda: edit_front("aliases", alias), 4),
    (lambda: edit_front("draft", draft), 3),
    (lambda: edit_front("url", url), 2),
    (lambda: edit_front("linkTitle", link_title), 2),
    (lambda: edit_front("summary", summary), 2),
    (lambda: edit_front("keywords", keywords), 2),
    (lambda: edit_front("publishDate", near_now), 2),
    (lambda: edit_front("expiryDate", near_now), 2),
    (lambda: edit_front("headless", headless), 1),
    (lambda: edit_front("_build", build_options), 2),
    (time_passes, 5),
    (add_article, 6), (delete_article, 3), (rename_article, 3),
    (add_toml_article, 2), (edit_toml_article, 3),
    (drop_front_matter, 3), (to_json_front_matter, 3),
    (add_image, 5), (redraw_image, 3), (delete_image, 2),
    (unreference_image, 2), (add_bundle, 2),
    (add_nested_article, 4), (edit_section_index, 3), (edit_home_index, 2),
    (add_top_page, 2),
    (edit_tree, 2), (edit_layout, 2), (edit_config, 2), (touch, 4),
    (nothing, 3),
]


# ---- building and comparing ----

# how often an incremental build took each way (from KBGEN_TRACE)
# incremental builds made full ones by the clock (cache_valid_until)
DATES_PASSED = [0]
WAYS = {"only article bodies changed": 0,
        "front matter or the set of articles changed": 0}


def build(out, clean):
    args = [KBGEN, "build", "--root", SITE, "--out", out, "--quiet"]
    if clean:
        args.append("--clean")
    env = dict(os.environ)
    env["KBGEN_NOW"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW[0]))
    if not clean:
        env["KBGEN_TRACE"] = "1"
    run = subprocess.run(args, capture_output=True, text=True, env=env)
    lines = []
    for line in run.stderr.splitlines(keepends=True):
        if line.startswith("kbgen: trace: "):
            way = line[len("kbgen: trace: incremental: "):].strip()
            if way in WAYS:
                WAYS[way] += 1
            if "full build: a publishDate or expiryDate has passed" in line:
                DATES_PASSED[0] += 1
        else:
            lines.append(line)
    return run.returncode, "".join(lines)


def snapshot(folder):
    """path -> sha256 of every file, the cache folder aside."""
    files = {}
    for base, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not (base == folder and d == ".kbgen")]
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, folder)] = hashlib.sha256(f.read()).hexdigest()
        for d in dirs:
            files[os.path.relpath(os.path.join(base, d), folder) + "/"] = "dir"
    return files


def dump(db):
    run = subprocess.run(["sh", DUMP, db], capture_output=True, text=True)
    if run.returncode != 0:
        return "dump failed: " + run.stderr
    return run.stdout


def compare(step, what):
    """Builds both ways and compares; returns (equal, status)."""
    before = snapshot(OUT)
    status, stderr = build(OUT, False)
    shutil.rmtree(CLEAN, ignore_errors=True)
    clean_status, clean_stderr = build(CLEAN, True)
    name = f"edit {step}: {what}"
    if status != clean_status or stderr != clean_stderr:
        bad(name + ": same status and messages as a clean build",
            f"incremental {status}:\n{stderr}\nclean {clean_status}:\n{clean_stderr}")
        return False, status
    if status != 0:
        after = snapshot(OUT)
        if after != before:
            bad(name + ": a failed build leaves the output as it was",
                "\n".join(sorted(set(after.items()) ^ set(before.items()))))
            return False, status
        return True, status
    ours, theirs = snapshot(OUT), snapshot(CLEAN)
    ours.pop("kb.db", None)
    theirs.pop("kb.db", None)
    if ours != theirs:
        only = sorted(set(ours) ^ set(theirs))
        differ = sorted(k for k in set(ours) & set(theirs) if ours[k] != theirs[k])
        bad(name + ": every page byte-identical to a clean build",
            "only in one: " + " ".join(only[:20]) + "\ndiffer: " + " ".join(differ[:20]))
        return False, status
    ours_db, theirs_db = dump(os.path.join(OUT, "kb.db")), dump(os.path.join(CLEAN, "kb.db"))
    if ours_db != theirs_db:
        import difflib
        lines = list(difflib.unified_diff(theirs_db.splitlines(), ours_db.splitlines(),
                                          "clean", "incremental", n=0, lineterm=""))
        bad(name + ": kb.db holds what a clean build's holds",
            "tools/kbdb-dump.sh differs:\n" + "\n".join(lines[:16]))
        return False, status
    return True, status


def age_all():
    """Makes every file old, so its stamp is trusted (not 'racy')."""
    past = time.time() - 3600
    for base, _, names in os.walk(SITE):
        for name in names:
            os.utime(os.path.join(base, name), (past, past))


def main():
    print(f"incremental: seed {SEED}, {EDITS} edits")
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(SITE)
    for name in ("site.yaml", "bounce-rules.yaml", "content", "decision-trees", "theme"):
        source = os.path.join(REPO, name)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(SITE, name))
        else:
            shutil.copy(source, os.path.join(SITE, name))
    generate_extra()
    age_all()
    status, stderr = build(OUT, False)
    if status != 0:
        bad("the starting site builds", stderr)
        return
    functions = [f for f, w in EDITS_BY_WEIGHT for _ in range(w)]
    published_images = [0]
    good = 0
    previous = os.path.join(WORK, "previous")
    last_good = os.path.join(WORK, "last-good")
    shutil.copytree(SITE, last_good)
    previous_now = last_good_now = NOW[0]
    failing = 0
    for step in range(1, EDITS + 1):
        shutil.rmtree(previous, ignore_errors=True)
        shutil.copytree(SITE, previous)
        previous_now = NOW[0]
        # halfway, the clock moves past every dated-* article's date
        what = (time_passes(45) if step == EDITS // 2
                else rng.choice(functions)())
        equal, status = compare(step, what)
        good += equal
        failing = failing + 1 if status != 0 else 0
        if status != 0 and (rng.random() < 0.9 or failing > 3):
            # put the site back (usually, and always after a few failing
            # edits in a row, or a site left broken early would fail every
            # later edit and test nothing incremental): the next edits
            # then start from a site that builds; the revert is an edit too
            back = previous if failing == 1 else last_good
            # the clock too: an article that expired may be linked to
            NOW[0] = previous_now if failing == 1 else last_good_now
            shutil.rmtree(SITE)
            shutil.copytree(back, SITE)
            equal, status = compare(step, "revert of the failed edit")
            if not equal:
                good -= 1
            failing = 0 if status == 0 else failing
        if status == 0:
            shutil.rmtree(last_good)
            shutil.copytree(SITE, last_good)
            last_good_now = NOW[0]
            # the images the edits made (img-*, a bundle's diagram.svg),
            # not the theme's or the tree maps'
            if any(os.path.basename(k).startswith(("img-", "diagram."))
                   for k in snapshot(OUT)):
                published_images[0] += 1
        if rng.random() < 0.15:
            age_all()	# some files trusted again, as time passes
        if failures >= 5:
            break
    if good == EDITS:
        ok(f"{EDITS} random edits: each incremental build equals a clean one "
           f"(seed {SEED})")
    else:
        bad(f"{EDITS} random edits", f"{good} equal, stopped at failure {failures}")
    # the images beside articles were among what was compared
    if published_images[0] > 0:
        ok(f"good builds that published images beside articles: {published_images[0]}")
    else:
        bad("good builds that published images beside articles", "none in this run")
    # both ways of computing the page fingerprints were compared
    if DATES_PASSED[0] > 0:
        ok(f"full builds as a publishDate or expiryDate passed: {DATES_PASSED[0]}")
    elif EDITS >= 50:
        bad("full builds as a publishDate or expiryDate passed", "none in this run")
    for way, count in WAYS.items():
        if count > 0:
            ok(f"incremental builds where {way}: {count}")
        else:
            bad(f"incremental builds where {way}", "none in this run")


main()
print(f"incremental: {passes} passed, {failures} failed")
sys.exit(1 if failures else 0)
