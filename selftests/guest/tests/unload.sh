# Unload under load (issue: prove it safe to insmod): rmmod and insmod
# while every vCPU verifies programs, rmmod landing inside bpf_check().
UNLOAD_OBJS="$PROGS/sock.bpf.o $PROGS/paths.bpf.o $PROGS/report.bpf.o $PROGS/leak_sites.bpf.o $PROGS/alloc.bpf.o"

# The cycles in phases, one per nice value of the loaders in
# UNLOAD_NICE ("-": not reniced), the cycles split evenly.  Default: half
# at normal priority, where insmod and rmmod wait for their CPU share
# behind four loaders (the load that reproduced the oops of b2e6425 on 7.2
# and 6.12), half with the loaders at nice 19, where a cycle is 2-10 times
# faster and rmmod still lands inside bpf_check(): a loader is preempted
# wherever it is, and runs while rmmod waits for a grace period.
UNLOAD_NICE=$(echo "${UNLOAD_NICE:-"- 19"}" | tr , ' ')	# "-,19" as a knob
# 60 cycles on a stock kernel take ~3 min on one TCG core; the oops of
# b2e6425 came at 75-98 s on 7.2 (6.12: 372 s, normal priority).
UNLOAD_CYCLES=${UNLOAD_CYCLES:-60}
t_unload_cycles() {
	local i inflight=0 n cycles=$UNLOAD_CYCLES per nice phases done=0 max
	phases=$(echo $UNLOAD_NICE | wc -w)
	per=$(( (cycles + phases - 1) / phases ))
	rmmod bpf_diag 2>/dev/null
	for nice in $UNLOAD_NICE; do
		[ "$nice" = - ] || export LOADER_NICE=$nice
		loaders_start 2 $UNLOAD_OBJS
		unset LOADER_NICE
		phases=$((phases - 1))
		# Whether an rmmod lands inside bpf_check() is the
		# scheduler's doing (on 6.1, where the kfunc objects fail
		# in libbpf, 10 cycles once had none; 7.2-cloud once needed 19
		# with the host busy): the last phase goes on until one has,
		# at most 12 times its cycles.
		max=$per
		[ $phases -eq 0 ] && max=$((per * 12))
		i=0
		while [ $i -lt $per ] || { [ $inflight -eq 0 ] && [ $i -lt $max ]; }; do
			i=$((i + 1))
			done=$((done + 1))
			insmod $KO || { stop_bg; fail_msg "nice $nice, cycle $i: insmod failed"; return; }
			usleep $(( $(rnd 300) * 1000 ))
			# verifications under way at rmmod time: their bpf_check()
			# is still running when the hooks go
			n=$(grep -c "verdict=running" $D/envs)
			[ "$n" -gt 0 ] && inflight=$((inflight + 1))
			rmmod bpf_diag || { stop_bg; fail_msg "nice $nice, cycle $i: rmmod failed"; return; }
		done
		stop_bg
	done
	echo "# $done insmod/rmmod cycles (loaders at nice: $UNLOAD_NICE), $inflight with a verification in flight at rmmod"
	[ $inflight -gt 0 ] || fail_msg "no rmmod landed while a program was being verified"
}

t_after_cycles() {
	ensure_loaded
	bpf-diag-check -p sock_leak -p sock_release $PROGS/sock.bpf.o >$T/out ||
		{ cat $T/out; fail_msg "records wrong after the cycles"; }
}

# Every kprobe and ftrace hook bpf_diag registered is gone after rmmod.
t_no_probe_left() {
	local kl=/sys/kernel/debug/kprobes/list ef=/sys/kernel/tracing/enabled_functions n s
	[ -r $kl ] || { fail_msg "no $kl"; return; }
	rmmod bpf_diag 2>/dev/null
	{ sort $kl; echo "@@ no such probe @@"; } >$T/kp.before
	insmod $KO || return 1
	n=$(grep -c "^hook .*: attached k[a-z]*probe " $D/status)
	[ "$(grep -cvxF -f $T/kp.before $kl)" -ge "$n" ] ||
		fail_msg "kprobes/list does not show the $n hooks"
	sed -n 's/^hook [a-z_]*: attached ftrace \([^ ]*\) .*/\1/p' $D/status >$T/ft
	echo "# $n kprobes, $(grep -c . $T/ft) ftrace hooks"
	if [ -s $T/ft ]; then
		[ -r $ef ] || { fail_msg "no $ef"; return; }
		while read -r s; do
			grep -q "^$s " $ef || fail_msg "$s not in enabled_functions"
		done <$T/ft
	fi
	rmmod bpf_diag || return 1
	{ sort $kl; echo "@@ no such probe @@"; } >$T/kp.after
	cmp -s $T/kp.before $T/kp.after || { diff $T/kp.before $T/kp.after; fail_msg "kprobes left after rmmod"; }
	while read -r s; do
		! grep -q "^$s " $ef || fail_msg "$s still in enabled_functions after rmmod"
	done <$T/ft
	insmod $KO
}

group_unload() {
	check "unload: $UNLOAD_CYCLES insmod/rmmod cycles while every vCPU verifies" t_unload_cycles
	check "unload: recording is exact after the cycles" t_after_cycles
	check "unload: rmmod leaves no kprobe or ftrace hook registered" t_no_probe_left
}
