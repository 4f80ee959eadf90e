#!/usr/bin/env python3
"""The share of tests/bounces/ samples the analyzer reads right: class and
reason (and receiver) per recipient against expected.tsv, which the team
wrote from the texts. Not a test (tests/cli/bounce.sh is): a measure, for
make bench. Usage: tools/bounce-accuracy.py KBGEN KB_DB [SAMPLES_DIR]"""
import collections, json, os, subprocess, sys

kbgen, db = sys.argv[1], sys.argv[2]
folder = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "tests", "bounces")
expected = collections.OrderedDict()
for line in open(os.path.join(folder, "expected.tsv"), encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    name, recipient, class_, reason, receiver = line.rstrip("\n").split("\t")
    expected.setdefault(name, [])
    if class_ != "-":
        expected[name].append((recipient, class_, reason, receiver))
right = wrong = recipients = 0
class_right = reason_right = receiver_right = 0
misses = []
for name, want in expected.items():
    run = subprocess.run([kbgen, "bounce", "--db", db, "--json", os.path.join(folder, name)],
                         capture_output=True)
    got = json.loads(run.stdout)["results"] if run.returncode == 0 else []
    if not want:
        ok = run.returncode == 1
        right += ok
        wrong += not ok
        if not ok:
            misses.append("%s: read as a bounce (%d results)" % (name, len(got)))
        continue
    by_recipient = {(r["recipient"] or "-"): r for r in got}
    for recipient, class_, reason, receiver in want:
        recipients += 1
        r = by_recipient.get(recipient)
        if r is None and len(got) == 1 and len(want) == 1:
            r = got[0]
        if r is None:
            misses.append("%s: %s not found" % (name, recipient))
            wrong += 1
            continue
        c = r["class"] == class_
        s = r["reason"] == reason
        v = (r["receiver"] or "-") == receiver
        class_right += c
        reason_right += s
        receiver_right += v
        if c and s:
            right += 1
        else:
            wrong += 1
        if not (c and s and v):
            misses.append("%s: %s: got %s/%s/%s, want %s/%s/%s" % (
                name, recipient, r["class"], r["reason"], r["receiver"] or "-",
                class_, reason, receiver))
    if len(got) != len(want):
        misses.append("%s: %d results, want %d" % (name, len(got), len(want)))
total = right + wrong
print("samples: %d files, %d recipients expected, %d non-bounces" % (
    len(expected), recipients, sum(1 for w in expected.values() if not w)))
print("class and reason right: %d/%d (%.1f%%)" % (right, total, 100.0 * right / total))
print("class right: %d/%d; reason right: %d/%d; receiver right: %d/%d" % (
    class_right, recipients, reason_right, recipients, receiver_right, recipients))
for miss in misses:
    print("  " + miss)
