# start_nsd — nsd (Debian) serving tests/records/dns/example.test.zone on
# a free 127.0.0.1 port: sets port, nsd_pid and dir, and a trap that
# stops it (and a sink_pid a suite starts) on exit. Fails the suite and
# finishes it when nsd does not come up.
nsd=/usr/sbin/nsd

start_nsd() {
dir="$TMP/nsd"
mkdir -p "$dir"
cp tests/records/dns/example.test.zone "$dir/"
nsd_pid=""
trap '[ -n "$nsd_pid" ] && kill "$nsd_pid" 2>/dev/null; [ -n "${sink_pid:-}" ] && kill "$sink_pid" 2>/dev/null; wait 2>/dev/null' EXIT

# answers PORT — true once something answers a DNS query on the port.
answers() {
	python3 - "$1" <<'PY'
import socket, struct, sys
query = struct.pack(">HHHHHH", 0x1234, 0, 1, 0, 0, 0)
query += b"".join(bytes([len(p)]) + p for p in [b"example", b"test"]) + b"\0"
query += struct.pack(">HH", 6, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
s.sendto(query, ("127.0.0.1", int(sys.argv[1])))
try:
    s.recv(512)
except OSError:
    sys.exit(1)
PY
}

up=""
for attempt in 1 2 3; do
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat > "$dir/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1@$port
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: "$dir"
	database: ""
	zonelistfile: "$dir/zone.list"
	xfrdfile: "$dir/xfrd.state"
	pidfile: "$dir/nsd.pid"
	logfile: "$dir/nsd.log"
	server-count: 1
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: example.test
	zonefile: example.test.zone
EOF
	"$nsd" -d -c "$dir/nsd.conf" 2>>"$dir/nsd.stderr" &
	nsd_pid=$!
	for _ in $(seq 50); do
		if answers "$port"; then up=1; break; fi
		kill -0 "$nsd_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$up" ] && break
	kill "$nsd_pid" 2>/dev/null
	wait "$nsd_pid" 2>/dev/null
	nsd_pid=""
done
if [ -z "$up" ]; then
	fail "nsd serves the test zone" "$(cat "$dir/nsd.stderr" "$dir/nsd.log" 2>/dev/null | head -c 600)"
	finish
fi
pass "nsd serves the test zone on 127.0.0.1:$port"
}

# start_sink — a resolver that never answers: a UDP socket on a free
# 127.0.0.1 port (sink_port) that nobody reads, for 60 s (sink_pid).
start_sink() {
sink_port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
time.sleep(60)
' "$sink_port" &
sink_pid=$!
sleep 0.2
}
