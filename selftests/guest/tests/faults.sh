# Fault injection (issue: prove it safe to insmod): bpf_diag's own
# allocations fail, every Nth and at random, while programs are verified;
# insmod with each of its allocations failing in turn.  Needs a kernel with
# CONFIG_FAULT_INJECTION (the 7.2-debug kernel); skipped elsewhere.
FA=$D/fail_alloc

# The verdicts of a clean run, to compare the faulty runs with.
FAULT_OBJS="$PROGS/sock.bpf.o $PROGS/paths.bpf.o $PROGS/alloc.bpf.o $PROGS/sockets.bpf.o $PROGS/report.bpf.o"

fa_set() { # interval probability times
	echo $1 >$FA/interval && echo $2 >$FA/probability && echo $3 >$FA/times &&
		echo 0 >$FA/verbose
}

# Loads with the module's allocations failing: the checker's verdicts are
# the clean run's, every env that lost something says so and the others
# are exact.  Every failed allocation is a loss counted somewhere: an env
# not recorded (envs_dropped) or an env whose line in envs names what it
# lost.  That env need not be one the checker loads: libbpf's own feature
# probes are verified (and recorded) too, so a failure that lands on one
# of them is counted in envs_dropped and no checked load shows it.
lossy_envs() { # envs kept that name a loss
	grep -c -E ' (dropped|src_dropped|paths_dropped|history_lost)=[1-9]| paths_broken=1' $D/envs
}
# Each failed allocation counted, once: the fault injector's own count (it
# decrements "times" on each failure it injects) is at most alloc_failed
# (the rest: the pool found empty), and alloc_failed is the envs'
# alloc_failed= (the env each page was for) plus alloc_failed_unlisted (an
# env not created, a walk not recorded, an env since evicted).
FA_TIMES=1000000
alloc_exact() { # name injected
	local on_envs unlisted failed
	failed=$(counter alloc_failed)
	on_envs=$(sed -n 's/.* alloc_failed=\([0-9]*\) .*/\1/p' $D/envs | awk '{ s += $1 } END { print s + 0 }')
	unlisted=$(counter alloc_failed_unlisted)
	echo "# $1: injected $2; alloc_failed=$failed: $on_envs on envs, $unlisted unlisted"
	[ "$2" -gt 0 ] && [ "$2" -le "$failed" ] ||
		fail_msg "$1: the injector failed $2 allocations, bpf_diag counted $failed"
	[ "$failed" = $((on_envs + unlisted)) ] ||
		fail_msg "$1: alloc_failed=$failed, but $on_envs on envs + $unlisted unlisted"
}
# must-show: "checked", a checked load says it lost records; "unchecked",
# none does (the loss is in an env the checker does not load); "counted",
# either.
faulty_run() { # name interval probability times(-1: any) must-show
	local name=$1 want=$5 times=$4 failed dropped lossy injected
	[ $times != -1 ] || times=$FA_TIMES
	reload
	fa_set $2 $3 $times || { fail_msg "cannot set $FA"; return; }
	bpf-diag-check --lossy --expect $EXPECT $SKIP_LOOPS $FAULT_OBJS >$T/f.$name
	rc=$?
	injected=$((times - $(cat $FA/times)))
	fa_set 1 0 0
	failed=$(counter alloc_failed) dropped=$(counter envs_dropped) lossy=$(lossy_envs)
	echo "# $name: $(tail -1 $T/f.$name); alloc_failed=$failed envs_dropped=$dropped events_dropped=$(counter events_dropped) envs_naming_a_loss=$lossy"
	[ $rc = 0 ] || { grep "^not ok" $T/f.$name | head; fail_msg "$name: checker failed"; return; }
	[ "$failed" -gt 0 ] || { fail_msg "$name: no allocation failed"; return; }
	[ $((dropped + lossy)) -gt 0 ] ||
		fail_msg "$name: $failed allocations failed, no env dropped or naming a loss"
	alloc_exact $name $injected
	if grep -q "# SKIP records incomplete" $T/f.$name; then
		[ $want != unchecked ] || fail_msg "$name: a checked load lost records"
	else
		[ $want != checked ] || fail_msg "$name: no checked load says it lost records"
	fi
}

# Every 7th: the loads are the same in every run, and so are the
# allocations that fail, among them some of the checked loads' own.
t_every_nth() { faulty_run every_7th 7 100 -1 checked; }
# At random: where the failures land varies.  A clean run allocates 99
# pages for 78 envs (37 of them the checked loads, the rest libbpf's
# feature probes and the like), so at 20% none fails in fewer than 1 run
# in 10^7 (0.8^78).
t_random() { faulty_run random_20pc 1 20 -1 counted; }
# Only the first allocation fails: that of libbpf's first feature probe,
# which no checked load shows (CI once had 5% fail exactly so: one
# allocation, on a probe's env).
t_first() {
	faulty_run first_only 1 100 1 unchecked
	[ "$(counter alloc_failed)" = 1 ] && [ "$(counter envs_dropped)" = 1 ] ||
		fail_msg "first_only: want 1 allocation failed and 1 env dropped"
}

# Loading the module with its Nth slab allocation failing (the kernel's
# failslab, in the loading task only).  A load has hundreds of fault
# points (the kernel's module loader, then bpf_diag's init: debugfs, the
# pool, the probes and their instances); SWEEP_TRIES of them, evenly
# spaced over the whole load, plus the last SWEEP_TAIL one by one (the end
# of bpf_diag's init and its error unwinding).  Each load succeeds (a hook
# may stay unattached, said in status) or fails with an error, and leaves
# nothing behind.
SWEEP_TRIES=${SWEEP_TRIES:-24}
SWEEP_TAIL=${SWEEP_TAIL:-24}
FS=/sys/kernel/debug/failslab
# vmtest lets a page allocation failure's stack dump through only between
# these two console lines (the failures a test injected on purpose)
inject_begin() { echo "bpf_diag selftest: injected allocation failures begin" >/dev/kmsg; }
inject_end() { echo "bpf_diag selftest: injected allocation failures end" >/dev/kmsg; }
one_nth() { # N: load with fault point N failing; sets $out
	out=$(bpf-diag-insmod -n $1 $KO)
	case $out in
	"rc=0 "*)
		ok=$((ok + 1))
		grep -q "^recording: " $D/status || { bad=1; echo "# fail-nth=$1: loaded, no status"; }
		rmmod bpf_diag || { bad=1; echo "# fail-nth=$1: rmmod failed"; }
		;;
	*)
		failed=$((failed + 1))
		[ -d $D ] && { bad=1; echo "# fail-nth=$1: failed ($out), files left"; }
		;;
	esac
}

t_insmod_fail_nth() {
	local n ok=0 failed=0 bad=0 out total tries=0 step
	rmmod bpf_diag 2>/dev/null
	echo N >$FS/ignore-gfp-wait && echo 0 >$FS/verbose ||
		{ fail_msg "cannot set $FS"; return; }
	inject_begin
	# how many fault points a whole load has
	out=$(bpf-diag-insmod -n 100000 $KO)
	rmmod bpf_diag || { fail_msg "probe load: $out"; return; }
	total=$((100000 - $(kv left "$out")))
	step=$((total / SWEEP_TRIES))
	[ $step -gt 0 ] || step=1
	n=1
	while [ $n -le $total ]; do
		one_nth $n
		tries=$((tries + 1))
		if [ $n -lt $((total - SWEEP_TAIL)) ]; then
			# evenly spaced up to the tail, then every point of it
			n=$((n + step))
			[ $n -le $((total - SWEEP_TAIL)) ] || n=$((total - SWEEP_TAIL + 1))
		else
			n=$((n + 1))
		fi
	done
	inject_end
	echo Y >$FS/ignore-gfp-wait
	echo "# a load has $total slab fault points; $tries loads, each with one failing (every ${step}th, then the last $SWEEP_TAIL): $failed failed cleanly, $ok loaded (partly hooked where a probe could not register)"
	[ $total -gt 10 ] || fail_msg "only $total fault points: failslab not in effect?"
	[ $failed -gt 0 ] || fail_msg "no load failed"
	[ $bad = 0 ] || fail_msg "a load left a bad state"
	ensure_loaded
}

# After all of the above, and a pass of every reader (each file under each
# kind of filter, a filter refused): rmmod, then kmemleak's scans find
# nothing.  An object is reported only once it is 5 s old and unchanged
# over two scans: wait 6 s first, or the last loads' leaks go unseen.
t_kmemleak() {
	local k=/sys/kernel/debug/kmemleak flt out
	for flt in clear leaked verdict=rejected prog=sock* ref=2 path=1 comm=bpf-diag-load; do
		echo "$flt" >$D/filter || fail_msg "filter '$flt' refused"
		out=$(read_files) || fail_msg "$out"
	done
	echo "nosuchkey=1" >$D/filter 2>/dev/null && fail_msg "an unknown key was accepted"
	echo clear >$D/filter
	rmmod bpf_diag
	sleep 6
	{ echo scan >$k && echo scan >$k; } 2>$T/kl.err ||
		{ insmod $KO; fail_msg "kmemleak cannot scan: $(cat $T/kl.err)"; return; }
	cat $k >$T/leaks
	insmod $KO
	grep -q "unreferenced object" $T/leaks || return 0
	head -40 $T/leaks
	fail_msg "kmemleak: $(grep -c 'unreferenced object' $T/leaks) unreferenced objects"
}

# A reader whose own allocations fail (fail-nth on the reading thread: the
# N-th allocation of its next system calls fails, for N = 1, 2, ...): every
# env in envs is in report and report.json, shown or with its error, and
# at least one N made an env's index fail (report.c's rep_enter), i.e.
# the test reached what it is for.
t_report_nomem() {
	reload
	bpf-diag-load -q -l 0 $PROGS/report.bpf.o
	bpf-diag-load -q -l 0 $PROGS/sock.bpf.o
	sed -n 's/^env=\([0-9]*\) .*/\1/p' $D/envs | sort -n >$T/ids
	# the reader allocates with GFP_KERNEL, which failslab spares by default
	echo N >$FS/ignore-gfp-wait && echo 0 >$FS/verbose || { fail_msg "cannot set $FS"; return; }
	inject_begin
	python3 - $T/ids <<'PY' || fail_msg "an env was missing from a report"
import json, os, re, sys
ids = open(sys.argv[1]).read().split()
D = "/sys/kernel/debug/bpf_diag/"
# opened once: opening /proc/thread-self allocates, and a pending fault
# would fail that instead of the reader
nthfd = os.open("/proc/thread-self/fail-nth", os.O_WRONLY)
def set_nth(n):
    os.write(nthfd, str(n).encode())
def read(name, nth):
    fd = os.open(D + name, os.O_RDONLY)
    set_nth(nth)
    out, errors = b"", 0
    while True:
        try:
            b = os.read(fd, 4096)
        except OSError:
            errors += 1          # a failed read: a tool reads on
            if errors > 50:
                raise
            continue
        if not b:
            break
        out += b
    set_nth(0)
    os.close(fd)
    return out.decode()
shown_err = 0
bad = 0
for nth in range(1, 40):
    text = read("report", nth)
    got = sorted(set(re.findall(r"^env (\d+):", text, re.M)), key=int)
    shown_err += len(re.findall(r"^env \d+: prog \S+: not shown: no memory", text, re.M))
    js = json.loads(read("report.json", nth))
    jids = sorted((str(e["env"]) for e in js), key=int)
    if got != ids or jids != ids:
        print("# fail-nth=%d: envs %s, report %s, report.json %s" % (nth, " ".join(ids), " ".join(got), " ".join(jids)))
        bad += 1
print("# %d envs; 39 reads of each report with one allocation failing: %d with an env shown as not indexed" % (len(ids), shown_err))
if not shown_err:
    print("# no read reached an env's index allocation")
    bad += 1
sys.exit(1 if bad else 0)
PY
	inject_end
	echo Y >$FS/ignore-gfp-wait
	reload
}

group_faults() {
	EXPECT=$PROGS/expect.txt
	ensure_loaded
	if [ ! -d $FA ] && [ -d $FS ]; then
		# the kernel injects faults (failslab), the module did not set
		# its own fault point up: that is a defect, not a skip
		not_ok "faults: the module's fail_alloc" "$FS exists, $FA does not"
		return
	fi
	if [ ! -d $FA ]; then
		for t in "every 7th allocation fails" "20% of allocations fail at random" \
			 "only the first allocation fails" \
			 "insmod with each allocation failing in turn" \
			 "a reader's allocations fail" "kmemleak finds nothing"; do
			skip "faults: $t" "this kernel has no CONFIG_FAULT_INJECTION_DEBUG_FS ($FA missing)"
		done
		return
	fi
	check "faults: every 7th allocation fails: losses counted, verdicts unchanged" t_every_nth
	check "faults: 20% of allocations fail at random: losses counted, verdicts unchanged" t_random
	check "faults: only the first allocation fails, a probe's env: counted in envs_dropped" t_first
	check "faults: insmod with each allocation failing in turn" t_insmod_fail_nth
	check "faults: a reader's allocations fail: every env in both reports, shown or with its error" t_report_nomem
	check "faults: kmemleak finds nothing after all of it and a pass of every reader" t_kmemleak
}
