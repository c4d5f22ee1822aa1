# Stress (issue: prove it safe to insmod): verification on every vCPU at
# once while other tasks read every file with changing filters and clear.
STRESS_SECONDS=${STRESS_SECONDS:-20}
FILTERS="none leaked verdict=rejected verdict=accepted prog=s* ref=2 path=1 locks env=3 comm=bpf-diag-load pid=1 prog=pth_loop_leak"

reader() { # N: reads every file with the Nth filter, over and over
	local i=$1 flt
	set -- $FILTERS
	while [ ! -e $T/stop ]; do
		i=$(( (i + 1) % $# ))
		eval flt=\${$((i + 1))}
		[ "$flt" = none ] && flt=clear
		echo "$flt" >$D/filter || echo "filter '$flt' refused" >>$T/errors
		read_files >>$T/errors
	done
}

json_reader() {
	while [ ! -e $T/stop ]; do
		python3 -c 'import json; json.load(open("/sys/kernel/debug/bpf_diag/report.json"))' ||
			echo "report.json did not parse" >>$T/errors
	done
}

# /proc/PID/stat and /proc/PID/comm of every loader, in a loop: both
# take the loader's task_lock() (proc_task_name), which on PREEMPT_RT is a
# sleeping lock; a handler that took it too (get_task_comm() on 6.1 and
# 6.12) would sleep in atomic context whenever they meet.
proc_reader() {
	bpf-diag-procread bpf-diag-load $T/stop >$T/proc_reads ||
		echo "the /proc reader failed" >>$T/errors
}

clearer() {
	while [ ! -e $T/stop ]; do
		sleep 2
		echo clear >$D/control || echo "clear failed" >>$T/errors
	done
}

# Every vCPU verifies; readers read and clear; nothing fails, and every
# env kept afterwards is consistent.
t_stress() {
	local i
	reload
	rm -f $T/errors $T/proc_reads
	proc_reader & echo $! >>$T/bg
	# and one loader of a 2-insn filter in a loop: many bpf_check() entries
	# a second, each meeting the /proc reader's task_lock() (with the old
	# get_task_comm() in the entry hook, 6.1-rt and 6.12-rt said "BUG:
	# scheduling while atomic" within seconds: scripts/rt-comm-repro)
	bg_start bpf-diag-load -q -F 500
	loaders_start 3 $CORPUS
	for i in 1 2; do reader $i & echo $! >>$T/bg; done
	json_reader & echo $! >>$T/bg
	clearer & echo $! >>$T/bg
	sleep $STRESS_SECONDS
	stop_bg
	echo "# /proc/PID/stat and comm of the loaders read $(cat $T/proc_reads 2>/dev/null || echo 0) times"
	[ "$(cat $T/proc_reads 2>/dev/null || echo 0)" -gt 0 ] || echo "the /proc reader read no loader's stat" >>$T/errors
	[ ! -s $T/errors ] || { sort $T/errors | uniq -c; fail_msg "readers saw errors"; return; }
	echo clear >$D/filter
	[ "$(counter envs)" -gt 0 ] || fail_msg "no env was recorded under the load"
	echo "# $(counter envs) envs recorded in ${STRESS_SECONDS}s; kept $(grep -c . $D/envs); lock held at most $(counter lock_max_ns) ns"
	echo "# $(grep '^lock ' $D/status | tr '\n' ';')"
	bpf-diag-check --invariants >$T/inv || { grep -v "^ok" $T/inv | head -20; fail_msg "records inconsistent"; }
}

# Counters add up: every env recorded is kept, evicted or cleared.
t_counters() {
	local kept envs ev cl sum
	echo clear >$D/filter
	kept=$(grep -c . $D/envs)
	envs=$(counter envs) ev=$(counter envs_evicted) cl=$(counter envs_cleared)
	[ -n "$cl" ] || { fail_msg "no envs_cleared counter"; return; }
	[ "$envs" = $((kept + ev + cl)) ] ||
		fail_msg "envs=$envs, but kept $kept + evicted $ev + cleared $cl = $((kept + ev + cl))"
	[ "$(counter bytes)" -le "$(sed -n 's/^param max_bytes: //p' $D/status)" ] || fail_msg "bytes over max_bytes"
	# every byte charged is an env's (envs bytes=), nothing else held
	sum=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' $D/envs | awk '{ s += $1 } END { print s + 0 }')
	[ "$sum" = "$(counter bytes)" ] || fail_msg "envs hold $sum bytes, counter bytes=$(counter bytes)"
}

# A small store under the same load: evictions race with appends, and
# the store never holds more than max_bytes (max_envs stays large, so that
# memory is what binds).
t_small_store() {
	local max=131072 peak
	reload max_bytes=$max
	loaders_start 2 $CORPUS
	sleep $((STRESS_SECONDS / 2))
	stop_bg
	peak=$(counter bytes_peak)
	echo "# max_bytes=$max: peak $peak bytes, $(counter envs_evicted) evicted, $(counter envs_dropped) envs and $(counter events_dropped) events dropped"
	[ -n "$peak" ] || { fail_msg "no bytes_peak counter"; return; }
	[ "$peak" -le $max ] || fail_msg "the store held $peak bytes, max_bytes=$max"
	[ "$(counter envs_evicted)" -gt 0 ] || fail_msg "nothing was evicted: max_bytes did not bind"
	bpf-diag-check --invariants >$T/inv || { grep -v "^ok" $T/inv | head -20; fail_msg "records inconsistent"; }
	reload
}

# The differential checker itself, while every vCPU verifies other loads.
t_checker_under_load() {
	reload
	loaders_start 2 $CORPUS
	# (paths.bpf.o where the load has it, without its loop programs)
	bpf-diag-check $LIGHT --expect $EXPECT $SKIP_LOOPS \
		$(echo "$CORPUS" | grep -e /paths.bpf.o) \
		$PROGS/sockets.bpf.o $PROGS/alloc.bpf.o $PROGS/async.bpf.o >$T/chk
	rc=$?
	stop_bg
	[ $rc = 0 ] || { grep "^not ok" $T/chk; fail_msg "checker failed under load"; }
}

group_stress() {
	# The background load: the whole corpus, except on the debug kernel
	# the two objects it verifies 22 times slower than the stock one (the
	# capture group checks them there): a loader stuck in one of them for
	# minutes adds nothing to the mix but time.
	CORPUS=$(ls $PROGS/*.bpf.o)
	case ${BPF_DIAG_KERNEL:-} in
	*-debug) CORPUS=$(echo "$CORPUS" | grep -v -e /loops.bpf.o -e /paths.bpf.o) ;;
	esac
	EXPECT=$PROGS/expect.txt
	check "stress: ${STRESS_SECONDS}s of loads on every vCPU, readers, filters, clears, /proc readers of the loaders" t_stress
	check "stress: envs = kept + evicted + cleared, bytes under max_bytes and all the envs'" t_counters
	check "stress: a 128 KiB store under load stays under max_bytes" t_small_store
	check "stress: the checker's records match the log while every vCPU verifies" t_checker_under_load
}
