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
uptime_s() { cut -d. -f1 /proc/uptime; }
# bpf-diag-check arguments leaving out paths.bpf.o's two loop programs
# (20 MB logs, minutes at log level 2 on the debug kernel), for tests that
# want many loads rather than one long one; capture's corpus check has them.
SKIP_LOOPS="-x pth_loop_ok -x pth_loop_leak"
# $LIGHT: "--light" under the knob CHECK_LIGHT=1 (run.sh sets it)
# Run "$@" as test NAME: pass when it exits 0 and no fail_msg ran on the
# way; the reason is the first failure's message.
# SKIP_TESTS=t_a,t_b (a row's knob): those test functions are skipped,
# said as such, not run.
check() {
	local name=$1 out rc t0
	shift
	case ",${SKIP_TESTS:-}," in *",$1,"*)
		skip "$name" "left out on this row (SKIP_TESTS=$SKIP_TESTS)"; return ;;
	esac
	rm -f $T/.failed
	t0=$(uptime_s)
	out=$("$@" 2>&1)
	rc=$?
	diag "took $(($(uptime_s) - t0))s"
	if [ $rc = 0 ] && [ ! -e $T/.failed ]; then
		echo "$out" | grep '^# '
		ok "$name"
	else
		echo "$out" | sed 's/^/# /'
		not_ok "$name" "$(cat $T/.failed 2>/dev/null || echo "$out" | tail -n 1)"
	fi
}
# Print a failure; the test fails even if later commands succeed.
fail_msg() { echo "$*"; [ -e $T/.failed ] || echo "$*" >$T/.failed; return 1; }
ensure_loaded() { [ -d $D ] || insmod $KO; }
# Read every file bpf_diag serves once; print "read F failed" for each that
# did not read, and return 1 if any did not.
read_files() {
	local f r=0
	for f in envs events paths history report report.json status filter control; do
		cat $D/$f >/dev/null || { echo "read $f failed"; r=1; }
	done
	return $r
}

# Run a KTAP-printing command as a nested subtest: its lines indented, its
# counts added to ours, and one parent line that fails if it failed.
subtest() {
	local name=$1 out rc line p f s t0
	shift
	t0=$(uptime_s)
	out=$("$@" 2>&1)
	rc=$?
	diag "took $(($(uptime_s) - t0))s"
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

# Background work for the load tests: jobs run until stop_bg.
ncpu() { grep -c ^processor /proc/cpuinfo; }
bg_start() { # command...: run it in a loop in the background
	( while [ ! -e $T/stop ]; do "$@" >/dev/null 2>&1; done ) &
	echo $! >>$T/bg
}
# PER loaders on every vCPU, each loading OBJS... in turn, all programs;
# at nice $LOADER_NICE if set (the loader renices itself before it loads)
loaders_start() { # PER OBJ...
	local per=$1 i
	shift
	for i in $(seq $(($(ncpu) * per))); do
		bg_start sh -c '[ -z "$LOADER_NICE" ] || renice -n "$LOADER_NICE" -p $$ >/dev/null
			for o; do [ -e '$T'/stop ] && exit; bpf-diag-load -q -l 0 $o; done' sh "$@"
	done
}
stop_bg() {
	local p
	touch $T/stop
	for p in $(cat $T/bg 2>/dev/null); do wait $p 2>/dev/null; done
	rm -f $T/stop $T/bg
}
# A random number in [0, N)
rnd() { awk -v n=$1 'BEGIN { srand(); print int(rand() * n) }' </dev/null; }
