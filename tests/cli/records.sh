# The record checker: `kbgen records` (text and JSON output, exit status,
# bad usage) and kb.cgi's /records and /records.json, with the static
# /records/ form, the article links and the guide links of diagnostics.
#
# Each tests/records/NAME.args holds the arguments of one run, one a line;
# NAME.expected is its exact standard output and then "exit N". The runs
# use the shipped site.yaml (spf_include: _spf.example.net), from the
# repository root.
. tests/lib.sh

# run_args FILE — kbgen records with the arguments FILE lists.
run_args() {
	local -a arguments
	mapfile -t arguments < "$1"
	NO_COLOR=1 "$KBGEN" records "${arguments[@]}" 2>&1
	echo "exit $?"
}

for args in tests/records/*.args; do
	name=$(basename "$args" .args)
	check_eq "records $name: exact output and exit status" \
		"$(run_args "$args")" "$(cat "tests/records/$name.expected")"
done

# --json prints one JSON object of the issue's shape.
for name in json json-mistakes; do
	run_args "tests/records/$name.args" | head -n 1 > "$TMP/$name.json"
	if python3 - "$TMP/$name.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
assert set(data) == {"records", "errors", "warnings", "notes"}, data.keys()
for record in data["records"]:
    assert {"kind", "text", "diagnostics", "summary"} <= set(record)
    for d in record["diagnostics"]:
        assert {"column", "severity", "code", "message"} <= set(d)
    if record["kind"] == "spf":
        assert "lookups" in record["summary"]
    if record["kind"] == "dkim":
        assert "key_bits" in record["summary"]
PY
	then pass "records $name: --json is one object with records, diagnostics and summary"
	else fail "records $name: --json is one object with records, diagnostics and summary" "$(head -c 300 "$TMP/$name.json")"
	fi
done

# ---- bad usage: exit 2, a message on stderr, nothing on stdout

# usage_case WHAT EXPECTED-FIRST-STDERR-LINE ARGUMENTS...
usage_case() {
	local what=$1 expected=$2 status
	shift 2
	"$KBGEN" records "$@" > "$TMP/usage.out" 2> "$TMP/usage.err"
	status=$?
	check_eq "usage: $what: exit 2" "$status" 2
	check_eq "usage: $what: the message" "$(head -n 1 "$TMP/usage.err")" "$expected"
	check_eq "usage: $what: nothing on stdout" "$(cat "$TMP/usage.out")" ""
}

usage_case "no record" "kbgen records: no record to check: give --spf, --dkim or --dmarc"
usage_case "unknown option" "kbgen records: unknown option '--txt'" --txt "v=spf1 -all"
usage_case "missing value" "kbgen records: option '--spf' needs a value" --spf
usage_case "two --dkim" "kbgen records: '--dkim' may be given once" \
	--dkim "v=DKIM1; p=" --dkim "v=DKIM1; p="
usage_case "two --dmarc" "kbgen records: '--dmarc' may be given once" \
	--dmarc "v=DMARC1; p=none" --dmarc "v=DMARC1; p=none"
usage_case "--selector without --domain" "kbgen records: '--selector' needs '--domain'" \
	--selector sel --dkim "v=DKIM1; p="
long=$(printf 'v=spf1 %04097d' 0)
usage_case "a record over 4096 bytes" \
	"kbgen records: the spf record 'v=spf1 000000000000000000000000000000000' is longer than 4096 bytes or not UTF-8" \
	--spf "$long"
usage_case "a record not UTF-8" \
	"kbgen records: the dmarc record 'v=DMARC1; p=none $(printf '\377')' is longer than 4096 bytes or not UTF-8" \
	--dmarc "v=DMARC1; p=none $(printf '\377')"
many=()
for i in $(seq 17); do many+=(--spf "v=spf1 ip4:192.0.2.$i -all"); done
usage_case "17 records" "kbgen records: at most 16 records" "${many[@]}"
usage_case "a site.yaml that does not load" \
	"site.yaml:1:1: error: cannot read site.yaml: No such file or directory" \
	--root "$TMP/nowhere" --spf "v=spf1 -all"

"$KBGEN" records --help > "$TMP/help.out" 2>&1
check_eq "--help: exit 0" "$?" 0
check_eq "--help: the usage line first" "$(head -n 1 "$TMP/help.out")" \
	"usage: kbgen records [--json] [--root DIR] [--spf TEXT]... [--dkim TEXT] [--dmarc TEXT] [--domain D [--selector S]]"
check_contains "kbgen help lists records" "$("$KBGEN" help)" \
	"records   check SPF, DKIM and DMARC records: kbgen records --help"

# ---- site.yaml's spf_include

make_site "$TMP/site"
NO_COLOR=1 "$KBGEN" records --root "$TMP/site" --spf "v=spf1 mx -all" > "$TMP/noinclude.out"
check_eq "a site without spf_include: the include is not asked for (exit 0)" "$?" 0
check_eq "a site without spf_include: the summary says so" "$(cat "$TMP/noinclude.out")" \
	"spf:1: summary: lookups=1/10 all=-all
0 errors, 0 warnings, 0 notes"
printf 'spf_include: spf.mail.example\n' >> "$TMP/site/site.yaml"
NO_COLOR=1 "$KBGEN" records --root "$TMP/site" --spf "v=spf1 include:spf.mail.example -all" > "$TMP/include.out"
check_eq "spf_include from --root's site.yaml (exit 0)" "$?" 0
check_eq "spf_include from --root's site.yaml: found" "$(head -n 1 "$TMP/include.out")" \
	"spf:1: summary: lookups=1/10 all=-all service_include=yes"
make_site "$TMP/bad"
printf 'spf_include: include:spf.mail.example\n' >> "$TMP/bad/site.yaml"
"$KBGEN" records --root "$TMP/bad" --spf "v=spf1 -all" > /dev/null 2> "$TMP/bad.err"
check_eq "a bad spf_include: exit 2" "$?" 2
check_eq "a bad spf_include: at its site.yaml:line:col" "$(cat "$TMP/bad.err")" \
	"site.yaml:6:14: error: 'spf_include' is not a domain name (what follows include: in an SPF record, e.g. _spf.example.net)"
"$KBGEN" check --root "$TMP/bad" > /dev/null 2> "$TMP/bad-check.err"
check_contains "a bad spf_include fails kbgen check too" "$(cat "$TMP/bad-check.err")" \
	"site.yaml:6:14: error: 'spf_include' is not a domain name"

finish
