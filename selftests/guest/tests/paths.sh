# The verifier's walk: path tree and failing path (issue: path-aware history).

t_nested() {
	local p n
	for p in pth_nest2:3 pth_nest3:4 pth_nest10:11; do
		n=${p#*:}
		p=${p%:*}
		bpf-diag-check -p $p $PROGS/paths.bpf.o >$T/out || { cat $T/out; fail_msg "$p: checker failed"; }
		echo "prog=$p leaked" >$D/filter
		cat $D/report >$T/rep
		echo clear >$D/filter
		# the failing path shows one decision per nested condition (+ the NULL check)
		[ "$(grep -c "^      branch at insn" $T/rep)" = "$n" ] ||
			{ cat $T/rep; fail_msg "$p: want $n branch decisions on the failing path"; }
		grep -q "^    on the path that failed, path [0-9]* (from insn" $T/rep ||
			fail_msg "$p: failing path not named"
	done
}

t_loop() {
	bpf-diag-check -p pth_loop_leak -p pth_loop_ok $PROGS/paths.bpf.o >$T/out ||
		{ cat $T/out; fail_msg "checker failed on the loop"; }
	echo "prog=pth_loop_leak" >$D/filter
	e=$(cat $D/envs)
	echo clear >$D/filter
	echo "# $e"
	[ "$(kv paths "$e")" -ge 2000 ] || fail_msg "expected >= 2000 paths: $e"
}

# With small caps the tree is cut short, the failing path still exact.
t_caps() {
	reload max_paths=64 max_history=4096 || return 1
	bpf-diag-check --partial -p pth_loop_leak -p pth_nest10 $PROGS/paths.bpf.o >$T/out ||
		{ cat $T/out; fail_msg "checker failed with max_paths=64"; }
	# without --partial, records that lost paths fail the program, by name
	bpf-diag-check -p pth_loop_leak $PROGS/paths.bpf.o >$T/out2
	[ $? = 1 ] && grep -q "^not ok 1 .*paths_dropped=[1-9].*in a run that expects complete records" $T/out2 ||
		{ cat $T/out2; fail_msg "lost paths passed without --partial"; }
	echo "prog=pth_loop_leak" >$D/filter
	e=$(cat $D/envs)
	echo clear >$D/filter
	echo "# $e"
	[ "$(kv paths "$e")" = 64 ] || fail_msg "paths=$(kv paths "$e"), want 64"
	[ "$(kv paths_dropped "$e")" -gt 1900 ] || fail_msg "paths_dropped not counted"
	[ "$(counter bytes)" -lt 33554432 ] || fail_msg "store over max_bytes"
	reload
}

# The checker must fail when the walk is not followed.
t_checker_fails_without_pops() {
	reload deny_hooks=pop || return 1
	grep -q "^hook pop: not attached.*not recorded: paths" $D/status || fail_msg "status"
	bpf-diag-check -p pth_nest3 $PROGS/paths.bpf.o >$T/out
	rc=$?
	grep "^not ok" $T/out | sed 's/^/# /'
	# exit 1 is the checker's "a test failed"; anything else (a crash) is not
	[ $rc = 1 ] || fail_msg "checker exit $rc, want 1"
	grep -q "^not ok 1 paths.bpf.o:pth_nest3 # .*path" $T/out ||
		fail_msg "no 'not ok' about the paths: $(grep -v '^#' $T/out | head -3)"
	reload
}

t_paths_filter() {
	bpf-diag-load -p pth_nest2 $PROGS/paths.bpf.o >/dev/null
	echo "prog=pth_nest2" >$D/filter
	n=$(sed -n 's/^env=\([0-9]*\) .*/\1/p' $D/envs | tail -1)
	p=$(grep "kind=leak" $D/events | tail -1 | tr ' ' '\n' | sed -n 's/^path=//p')
	echo "env=$n path=$p" >$D/filter
	grep -q "^env=$n path=$p " $D/paths && [ "$(grep -c . $D/paths)" = 1 ] || fail_msg "path= on paths"
	grep -v " path=$p " $D/events | grep -q . && fail_msg "path= on events"
	grep -q "kind=leak" $D/events || fail_msg "leak not on its path"
	echo clear >$D/filter
}

# History entries name events that exist ("-" for one that was dropped),
# in order, even when max_events drops most of them.
t_history_dropped() {
	local m e n bad
	for m in 1 2 3; do
		reload max_events=$m || return 1
		bpf-diag-load -p pth_null_leak $PROGS/paths.bpf.o >/dev/null
		echo "prog=pth_null_leak" >$D/filter
		e=$(cat $D/envs)
		n=$(kv events "$e")
		bad=$(awk -v n=$n '/type=event/ { split($0, a, "idx="); split(a[2], b, " "); i = b[1]
			if (i != "-" && (i + 0 >= n || i + 0 <= last)) { print; exit } if (i != "-") last = i + 0 }
			BEGIN { last = -1 }' $D/history)
		echo clear >$D/filter
		[ -z "$bad" ] || { fail_msg "max_events=$m, events=$n: history entry '$bad'"; break; }
		grep -q "type=resume" $D/history || { fail_msg "max_events=$m: no resume in the failing path"; break; }
	done
	reload
}

group_paths() {
	reload
	check "paths: 2, 3 and 10 nested branches, one leaking path: tree and failing path match the log" t_nested
	check "paths: a loop walked 2000 times: every pop and the failing path match the log" t_loop
	check "paths: max_paths=64 bounds the tree, the failing path stays exact" t_caps
	check "paths: the checker fails when pops are not seen (deny_hooks=pop)" t_checker_fails_without_pops
	check "paths: filter path=N on paths and events" t_paths_filter
	check "paths: the failing path's history names only events kept, in order" t_history_dropped
}
