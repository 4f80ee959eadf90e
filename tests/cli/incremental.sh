# Incremental builds equal clean ones: tests/incremental.py applies random
# edits to a copy of the shipped site (bodies, titles, tags, slugs,
# aliases, drafts, new/deleted/renamed articles, trees, layout, site.yaml,
# touches, same-size edits) and after each compares an incremental build
# with a clean one, byte for byte (kb.db by its rows and index entries).
# 220 edits in the plain run, 60 under ASan (slower; the same code).
# KB_SEED replays a run. Then: --clean, the cache's own failure modes,
# and a build interrupted between its moves.
. tests/lib.sh
kbgen=$(cd "$(dirname "$KBGEN")" && pwd)/$(basename "$KBGEN")
case $KBGEN in *asan*) edits=60 ;; *) edits=220 ;; esac

python3 tests/incremental.py "$kbgen" "$TMP/random" "$edits" >"$TMP/random.out" 2>&1
rc=$?
grep -E '^(PASS|FAIL): |^    |^incremental: seed' "$TMP/random.out"
n=$(grep -c '^FAIL: ' "$TMP/random.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "incremental.py ran" "exit $rc: $(tail -c 800 "$TMP/random.out")"
fi
finish
