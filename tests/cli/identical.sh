# tests/cli/identical.sh — restructuring keeps the output: the shipped site
# and the 1,000-article benchmark corpus build to exactly the files listed
# in tests/golden/identical/ (tools/out-manifest.sh: the SHA-256 of every
# published file, kb.db by its logical dump). The manifests were written by
# the kbgen before gen/ was split into stages; a change that alters output
# on purpose rewrites them with KB_UPDATE_GOLDEN=1 and says so in its
# commit.
. tests/lib.sh

golden=tests/golden/identical
shared=${KB_SHARED:-../shared}
corpus_script=$shared/bench/make-corpus.py
corpus_digest=$(cat "$golden/corpus-1000.generator")

compare() { # WHAT ROOT NAME
	if ! "$KBGEN" build --root "$2" --out "$TMP/$3" >"$TMP/$3.log" 2>&1; then
		fail "$1: kbgen build" "$(head -c 600 "$TMP/$3.log")"
		return
	fi
	if ! tools/out-manifest.sh "$TMP/$3" >"$TMP/$3.manifest"; then
		fail "$1: tools/out-manifest.sh"
		return
	fi
	if [ "${KB_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$TMP/$3.manifest" "$golden/$3.manifest"
		echo "wrote $golden/$3.manifest" >&2
	fi
	if cmp -s "$TMP/$3.manifest" "$golden/$3.manifest"; then
		pass "$1: every published file as before ($(wc -l <"$golden/$3.manifest") files, kb.db by its dump)"
	else
		fail "$1: output differs from $golden/$3.manifest" \
			"$(diff "$golden/$3.manifest" "$TMP/$3.manifest" | head -n 8 | tr '\n' ' ')"
	fi
}

compare "the shipped site" . shipped

if [ ! -f "$corpus_script" ]; then
	skip "the 1,000-article corpus builds as before" "no $corpus_script (set KB_SHARED)"
elif [ "$(sha256sum <"$corpus_script" | cut -d' ' -f1)" != "$corpus_digest" ]; then
	skip "the 1,000-article corpus builds as before" \
		"$corpus_script is not the generator the manifest was written from ($corpus_digest)"
else
	corpus=$TMP/corpus-1000
	if python3 "$corpus_script" --articles 1000 --out "$corpus" >/dev/null 2>"$TMP/corpus.log"; then
		printf 'title: Bench\nbase_url: http://127.0.0.1:8080/\n' >"$corpus/site.yaml"
		ln -sfn "$PWD/theme" "$corpus/theme"
		compare "the 1,000-article corpus" "$corpus" corpus-1000
	else
		fail "generate the 1,000-article corpus" "$(head -c 600 "$TMP/corpus.log")"
	fi
fi
finish
