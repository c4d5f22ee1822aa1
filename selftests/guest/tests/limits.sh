# Limits (issue: prove it safe to insmod): every parameter at its minimum
# and at an absurd maximum, and one env near the verifier's own limit of
# 1M processed instructions.
BIG=$ST/progs-limits/big.bpf.o
PARAMS="max_envs max_events max_bytes max_lines max_paths max_history max_walk"

# insmod with PARAM=VALUE: refused with a message naming it, or loaded with
# the value clamped (a message names it); then a load records or not,
# without any kernel complaint.
one_param() { # param value
	local p=$1 v=$2 shown
	rmmod bpf_diag 2>/dev/null
	dmesg -c >/dev/null
	if ! insmod $KO $p=$v 2>/dev/null; then
		dmesg | grep -q "bpf_diag: $p=$v" || fail_msg "$p=$v refused without a message naming it"
		return
	fi
	shown=$(sed -n "s/^param $p: //p" $D/status)
	dmesg | grep -q "bpf_diag: $p=$v" || [ "$shown" = "$v" ] ||
		fail_msg "$p=$v: status says '$shown' and no message says why"
	echo "# $p=$v: status 'param $p: $shown'"
	bpf-diag-load $PROGS/sock.bpf.o >/dev/null || fail_msg "$p=$v: loads fail"
	for f in envs events paths history report report.json; do
		cat $D/$f >/dev/null || fail_msg "$p=$v: reading $f failed"
	done
}

t_params_min() {
	local p
	for p in $PARAMS; do one_param $p 0; one_param $p 1; done
	reload
}

t_params_max() {
	local p
	for p in $PARAMS; do one_param $p 4294967295; done
	one_param max_bytes 18446744073709551615
	reload
}

# Seconds (to 10 ms) to read file $1 with filter $2.
read_time() {
	echo "$2" >$D/filter
	timeout 300 python3 -c '
import sys, time
t = time.monotonic()
with open(sys.argv[1], "rb") as f:
    n = len(f.read())
print("%.2f %d" % (time.monotonic() - t, n))' $D/$1
}

t_big_env() {
	local max=33554432 e1 e2 n1 n2 f t1 t2
	reload max_events=1000000 max_bytes=$max || return 1
	bpf-diag-load -l 0 -p big_tenth -p big_full $BIG >$T/big || return 1
	cat $T/big
	grep -q "prog=big_full verdict=accepted" $T/big || { fail_msg "big_full not accepted"; return; }
	e1=$(grep "prog=big_tenth" $D/envs) e2=$(grep "prog=big_full" $D/envs)
	echo "# $e2"
	n1=$(kv env "$e1") n2=$(kv env "$e2")
	[ "$(kv processed "$e2")" -gt 900000 ] || fail_msg "big_full processed $(kv processed "$e2") insns, want > 900000"
	[ "$(kv dropped "$e2")" = 0 ] || fail_msg "events dropped: $e2"
	[ "$(counter bytes)" -le $max ] || fail_msg "bytes $(counter bytes) > max_bytes"
	for f in events report report.json; do
		set -- $(read_time $f "env=$n1") x x
		t1=$1 s1=$2
		set -- $(read_time $f "env=$n2") x x
		t2=$1 s2=$2
		[ "$t1" != x ] && [ "$t2" != x ] || { fail_msg "$f: a read did not finish in 300s"; break; }
		echo "# $f: $s1 bytes in ${t1}s, $s2 bytes in ${t2}s"
		awk -v a=$t1 -v b=$t2 -v f=$f 'BEGIN { if (b > 25 * (a > 0.1 ? a : 0.1)) { print "not linear: " f; exit 1 } }' ||
			fail_msg "$f: ${t2}s for the big env against ${t1}s for one ten times smaller"
	done
	echo clear >$D/filter
	reload
}

# push_stack() refuses the 8193rd queued branch after copying the state:
# no path is recorded for it (8192 besides the root), and the failing
# path's history ends with the last branch that was queued.
t_jump_seq() {
	local e n last
	reload max_paths=16384 max_history=32768 || return 1
	bpf-diag-load -l 1 -o $T -p big_jumps $BIG >$T/out || return 1
	grep -q "prog=big_jumps verdict=rejected" $T/out || { fail_msg "$(cat $T/out)"; return; }
	grep -q "The sequence of 8193 jumps is too complex" $T/big_jumps.log ||
		{ fail_msg "log: $(tail -2 $T/big_jumps.log)"; return; }
	e=$(grep " prog=big_jumps " $D/envs)
	echo "# $e"
	[ "$(kv paths "$e")" = 8193 ] || fail_msg "paths=$(kv paths "$e"), want 8193 (the root and 8192 queued)"
	n=$(kv env "$e")
	echo "env=$n" >$D/filter
	last=$(grep -c "type=branch" $D/history)
	echo clear >$D/filter
	[ "$last" = 8192 ] || fail_msg "$last forks in the failing path, want 8192"
	reload
}

group_limits() {
	check "limits: every parameter at 0 and 1: refused or clamped, said" t_params_min
	check "limits: every parameter at an absurd maximum: refused or clamped, said" t_params_max
	# BIG_ENV=0 (the debug kernel's run): the verifier alone takes ~250 s
	# over big_full there
	if [ "${BIG_ENV:-1}" = 0 ]; then
		skip "limits: an env near 1M processed insns: bounded memory, linear reads" \
			"left out by BIG_ENV=0"
	else
		check "limits: an env near 1M processed insns: bounded memory, linear reads" t_big_env
	fi
	check "limits: a push the verifier refuses (8193 jumps) queues no path" t_jump_seq
}
