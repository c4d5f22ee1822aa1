# KTAP helpers for the guest-side tests (busybox sh).
D=/sys/kernel/debug/bpf_diag
ST=/opt/bpf_diag
PROGS=$ST/progs
KO=$ST/bpf_diag.ko
T=/tmp/t
mkdir -p $T

_n=0 _pass=0 _fail=0 _skip=0
ok() { _n=$((_n + 1)); _pass=$((_pass + 1)); echo "ok $_n $1"; }
not_ok() { _n=$((_n + 1)); _fail=$((_fail + 1)); echo "not ok $_n $1 # $2"; }
skip() { _n=$((_n + 1)); _skip=$((_skip + 1)); echo "ok $_n $1 # SKIP $2"; }
diag() { echo "# $*"; }
# Run "$@" as test NAME: pass when it exits 0, the reason is its last line.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		echo "$out" | sed 's/^/# /'
		not_ok "$name" "$(echo "$out" | tail -n 1)"
	fi
}
fail_msg() { echo "$*"; return 1; }
ensure_loaded() { [ -d $D ] || insmod $KO; }

# Run a KTAP-printing command as a nested subtest: its lines indented, its
# counts added to ours, and one parent line that fails if it failed.
subtest() {
	local name=$1 out rc line p f s
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/    /'
	line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	if [ -z "$line" ]; then
		not_ok "$name" "no result line (exit $rc)"
		return
	fi
	set -- $line
	_pass=$((_pass + $1)) _fail=$((_fail + $3)) _skip=$((_skip + ${5:-0}))
	if [ $rc = 0 ]; then ok "$name"; else not_ok "$name" "exit $rc"; fi
}

# The value of KEY in a key=value line.
kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
counter() { sed -n "s/^counter $1: //p" $D/status; }
reload() { rmmod bpf_diag 2>/dev/null; insmod $KO "$@"; }
