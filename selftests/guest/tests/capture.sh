# Capture of reference events (issue: acquire/release/null_drop/leak per env).
CORPUS="$PROGS/*.bpf.o"
EXPECT=$PROGS/expect.txt

t_status_strategy() {
	local h
	for h in env bind acquire release leak release_call null_check; do
		grep -q "^hook $h: attached \(kprobe\|kretprobe\|ftrace\) [a-z_.0-9]* hits=[0-9]* -- " $D/status ||
			fail_msg "hook $h not attached: $(grep "^hook $h:" $D/status)"
	done
	grep -q "^recording: complete$" $D/status || fail_msg "recording not complete"
	grep -q "^layout: " $D/status || fail_msg "no layout line"
	# every stock kernel here is x86-64 with DYNAMIC_FTRACE_WITH_ARGS
	grep -q "^entry hooks: bpf_diag's own ftrace_ops" $D/status ||
		fail_msg "$(grep "^entry hooks:" $D/status)"
	grep -q "^hook null_check: attached ftrace " $D/status ||
		fail_msg "$(grep "^hook null_check:" $D/status)"
	# pushes are seen in the pop hook where the stack entry's layout is known
	if grep -q "^async callback walks: yes" $D/status; then
		grep -q "^hook push: not needed: the pop hook sees each push" $D/status ||
			fail_msg "$(grep "^hook push:" $D/status)"
	fi
}

# ftrace=0: every entry hook a kprobe, and the checker agrees with the
# verifier all the same.
t_kprobes() {
	local o="$PROGS/paths.bpf.o $PROGS/sockets.bpf.o"

	reload ftrace=0 || return 1
	grep -q "^entry hooks: kprobes (ftrace=0)" $D/status || fail_msg "$(grep "^entry hooks:" $D/status)"
	grep -q "^hook pop: attached kprobe " $D/status || fail_msg "$(grep "^hook pop:" $D/status)"
	bpf-diag-check $LIGHT --expect $EXPECT $(echo "${CORPUS_SKIP:-}" | tr , '\n' | sed '/./s/^/-S /') \
		$o >$T/out 2>&1 ||
		{ grep "^not ok" $T/out | sed 's/^/# /'; fail_msg "checker with ftrace=0"; }
	tail -1 $T/out | sed 's/^/# ftrace=0: /'
	reload
}

t_no_lost_hits() {
	local n
	for n in unresolved untracked envs_dropped events_dropped kprobe_missed; do
		[ "$(counter $n)" = 0 ] || fail_msg "counter $n is $(counter $n)"
	done
	[ "$(counter envs)" -gt 0 ] || fail_msg "no envs recorded"
}

# Two checkers side by side: each load's env must be complete, and the
# verifications must really have overlapped in time (paths.bpf.o has
# programs that take the verifier a second each).  Whether two loads
# overlap is up to the guest's scheduler: a round without any overlap
# proves nothing and is run again (at most 3 rounds); every round's envs
# must be complete.
PAR="$PROGS/paths.bpf.o $PROGS/sockets.bpf.o $PROGS/objects.bpf.o $PROGS/flow.bpf.o"
par_round() { # prints the number of overlapping verifications
	local a b ra rb
	bpf-diag-check $LIGHT --expect $EXPECT $SKIP_LOOPS $PAR >$T/par1 2>&1 &
	a=$!
	bpf-diag-check $LIGHT --expect $EXPECT $SKIP_LOOPS $PAR >$T/par2 2>&1 &
	b=$!
	wait $a; ra=$?
	wait $b; rb=$?
	[ $ra = 0 ] || { grep "^not ok" $T/par1; fail_msg "checker 1 failed"; } >&2
	[ $rb = 0 ] || { grep "^not ok" $T/par2; fail_msg "checker 2 failed"; } >&2
	echo "pid=$a" >$D/filter
	cat $D/envs >$T/envs.a
	echo "pid=$b" >$D/filter
	cat $D/envs >$T/envs.b
	echo clear >$D/filter
	awk '
		function v(k,  i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2) }
		FNR == NR { s[NR] = v("start_ns"); e[NR] = s[NR] + v("duration_ns"); n = NR; next }
		{ st = v("start_ns"); en = st + v("duration_ns")
		  for (i = 1; i <= n; i++) if (st < e[i] && s[i] < en) over++ }
		END { print over + 0 }' $T/envs.a $T/envs.b
}
t_parallel() {
	local r over=0
	for r in 1 2 3; do
		over=$(par_round | tail -1)
		echo "# round $r: overlapping verifications: $over"
		[ "$over" -gt 0 ] && break
	done
	[ "$over" -gt 0 ] || fail_msg "in 3 rounds the two checkers never verified at the same time"
}

# What status says of the functions gcc may inline matches the symbols
# the kernel has: /proc/kallsyms is the independent answer (an exact name
# of a text symbol; status's own "symbol F:" line must agree as well).
t_status_derived() {
	local f said have own
	grep -o "; [a-z_]*: [a-z]* symbol here" $D/status | sort -u >$T/claims
	[ -s $T/claims ] || { fail_msg "status names no function a hook stands in for"; return; }
	while read -r _ f said _; do
		f=${f%:}
		have=$(awk -v f="$f" '$3 == f && $2 ~ /^[tT]$/ { print "present"; exit }' /proc/kallsyms)
		have=${have:-absent}
		own=$(sed -n "s/^symbol $f: //p" $D/status)
		echo "# $f: status says '$said symbol here'; /proc/kallsyms: $have; status's symbol line: $own"
		case $said/$have in
		no/absent | a/present) ;;
		*) fail_msg "$f: status says '$said symbol here' but /proc/kallsyms has it $have" ;;
		esac
		[ "$own" = "$have" ] || fail_msg "$f: status's symbol line says $own, /proc/kallsyms $have"
	done <$T/claims
}

# A hook whose prototype in BTF differs from what its handler reads is not
# attached, with the reason; the rest records (proto_mismatch= makes the
# expected type of null_check's first argument wrong).
t_proto_mismatch() {
	reload proto_mismatch=null_check || { fail_msg "insmod failed"; return; }
	grep "^hook null_check:" $D/status | sed 's/^/# /'
	grep -q "^hook null_check: not attached.*prototype mismatch: mark_ptr_or_null_regs's parameter 0 is \*bpf_verifier_state, read as \*bpf_diag_test_mismatch" $D/status ||
		fail_msg "status does not show null_check refused for its prototype"
	grep -q "^recording: partial" $D/status || fail_msg "recording not partial"
	dmesg | grep -q "hook null_check: prototype mismatch" || fail_msg "no kernel message"
	bpf-diag-load -p sock_leak $PROGS/sock.bpf.o >/dev/null
	grep -q "kind=acquire" $D/events || fail_msg "acquires not recorded"
	grep -q "kind=leak" $D/events || fail_msg "leaks not recorded"
	reload
}

t_missing_hook() {
	reload deny_hooks=acquire,leak || fail_msg "insmod with missing hooks failed"
	grep -q "^hook acquire: not attached.*not recorded: acquire events" $D/status ||
		fail_msg "status does not say acquires are not recorded"
	grep -q "^hook leak: not attached.*not recorded: leak events" $D/status ||
		fail_msg "status does not say leaks are not recorded"
	grep -q "^recording: partial" $D/status || fail_msg "recording not partial"
	# every parameter in force, these included
	grep -qx "param deny_hooks: acquire,leak" $D/status && grep -qx "param ftrace: 1" $D/status &&
		grep -qx "param proto_mismatch: -" $D/status ||
		fail_msg "status does not show every parameter: $(grep '^param' $D/status)"
	bpf-diag-load -p sock_leak $PROGS/sock.bpf.o >/dev/null
	grep -q "kind=acquire" $D/events && fail_msg "acquire recorded without its hook"
	grep -q "kind=null_drop" $D/events || fail_msg "other hooks stopped recording"
	reload
}

t_bounds() {
	local n e
	reload max_envs=3 max_events=2 || return 1
	for n in 1 2 3 4 5; do bpf-diag-load $PROGS/sock.bpf.o >/dev/null; done
	n=$(grep -c . $D/envs)
	[ "$n" -le 3 ] || fail_msg "$n envs kept, max_envs=3"
	[ "$(counter envs_evicted)" -gt 0 ] || fail_msg "no eviction counted"
	e=$(grep "prog=sock_release" $D/envs | tail -1)
	[ "$(kv events "$e")" = 2 ] || fail_msg "events=$(kv events "$e"), want 2: $e"
	[ "$(kv dropped "$e")" = 1 ] || fail_msg "dropped=$(kv dropped "$e"), want 1: $e"
	[ "$(counter events_dropped)" -gt 0 ] || fail_msg "no dropped events counted"
	# the memory cap: old envs are evicted, the store stays under it
	reload max_bytes=65536 || return 1
	for n in 1 2 3; do bpf-diag-load $PROGS/flow.bpf.o >$T/loaded; done
	[ "$(counter bytes)" -le 65536 ] || fail_msg "bytes=$(counter bytes) > max_bytes"
	[ "$(counter bytes_peak)" -le 65536 ] || fail_msg "bytes_peak=$(counter bytes_peak) > max_bytes"
	[ "$(counter envs_evicted)" -gt 0 ] || fail_msg "no eviction under max_bytes"
	n=$(tail -1 $T/loaded | sed 's/^prog=\([^ ]*\) .*/\1/')
	tail -1 $D/envs | grep -q "prog=$n " || fail_msg "the newest env ($n) was not kept: $(tail -1 $D/envs)"
	reload
}

# rmmod while programs are being verified: with a file open, rmmod is
# refused (the open file pins the module) and the file still reads; once
# it is closed, rmmod unloads mid-verification and insmod records again.
t_unload_busy() {
	local i pid err
	( while :; do bpf-diag-load $PROGS/sock.bpf.o >/dev/null 2>&1; done ) &
	pid=$!
	for i in 1 2 3 4 5 6; do
		exec 3<$D/events
		if err=$(rmmod bpf_diag 2>&1); then
			fail_msg "cycle $i: rmmod succeeded with events open"
		else
			echo "$err" | grep -qE "in use|Resource temporarily unavailable" ||
				fail_msg "cycle $i: rmmod refused, but not as in use: $err"
		fi
		[ -d $D ] || fail_msg "cycle $i: $D gone while events was open"
		cat <&3 >/dev/null || fail_msg "cycle $i: the open events file did not read"
		exec 3<&-
		rmmod bpf_diag || fail_msg "cycle $i: rmmod refused with no file open"
		[ ! -d $D ] || fail_msg "cycle $i: $D still there after rmmod"
		insmod $KO || { fail_msg "cycle $i: insmod failed"; break; }
	done
	# /proc/bpf_diag's files do not pin it: proc_remove() releases them
	exec 4</proc/bpf_diag/filter
	rmmod bpf_diag || fail_msg "rmmod refused with /proc/bpf_diag/filter open"
	cat <&4 >/dev/null 2>&1 && fail_msg "/proc/bpf_diag/filter read after the unload"
	exec 4<&-
	kill $pid
	wait $pid 2>/dev/null
	ensure_loaded
	bpf-diag-load -p sock_leak $PROGS/sock.bpf.o >/dev/null
	grep -q "kind=leak" $D/events || fail_msg "not recording after the cycles"
}

# The checker's own verdict on a program libbpf cannot load (a kfunc no
# kernel has): expected to load here (no since=, or since= at or below this
# kernel), that is a failure, never "ok # SKIP"; with since= above this
# kernel (6.1 against since=6.2) it is the "needs kernel" skip.
# An object libbpf cannot open is not checked, said in libbpf's own words
# (libbpf_strerror(): its own codes from 4000 up read "Unknown error 400x"
# through strerror()), and is not a disagreement.
t_checker_unopenable() {
	local o out rc
	echo "not an ELF object" >$T/junk.bpf.o
	head -c 200 $PROGS/sock.bpf.o >$T/cut.bpf.o
	for o in $T/junk.bpf.o $T/cut.bpf.o; do
		out=$(bpf-diag-check $o 2>&1)
		rc=$?
		echo "$out" | grep "^ok" | sed 's/^/# /'
		[ $rc = 0 ] || fail_msg "$(basename $o): exit $rc"
		echo "$out" | grep -q "^ok 1 $(basename $o):- # SKIP not checked: libbpf cannot open it: " ||
			fail_msg "$(basename $o): not 'not checked': $out"
		if echo "$out" | grep -q "Unknown error"; then
			fail_msg "$(basename $o): not libbpf's words: $out"
		fi
	done
}

t_checker_since() {
	local C=$ST/progs-checker out rel maj min
	sed 's/ since=[0-9.]*$//' $C/checker.expect >$T/nosince.expect
	rel=$(uname -r); maj=${rel%%.*}; min=${rel#*.}; min=${min%%[!0-9]*}
	for e in $C/checker.expect $T/nosince.expect; do
		out=$(bpf-diag-check --expect $e $C/since_unloadable.bpf.o 2>&1)
		rc=$?
		echo "$out" | grep -E "^(ok|not ok) " | sed "s|^|# $(basename $e): |"
		if [ $e = $C/checker.expect ] && [ $maj -eq 6 ] && [ $min -lt 2 ]; then
			[ $rc = 0 ] && echo "$out" | grep -q "^ok 1 .*# SKIP needs kernel >= 6.2: libbpf" ||
				fail_msg "$(basename $e) on $rel: not the 'needs kernel' skip (rc $rc)"
			continue
		fi
		[ $rc != 0 ] || fail_msg "$(basename $e): the checker exited 0"
		echo "$out" | grep -q "^not ok 1 .*expected to load here.*libbpf did not load it" ||
			fail_msg "$(basename $e): no 'not ok' naming libbpf's failure"
	done
}

group_capture() {
	reload
	check "capture: status names the hook of every role" t_status_strategy
	# CORPUS_SKIP=PROG,PROG: programs listed as skipped, not loaded (the
	# debug kernel's run leaves out the slow loop programs)
	subtest "capture: bpf-diag-check${LIGHT:+ $LIGHT} over the corpus" \
		bpf-diag-check $LIGHT --expect $EXPECT \
		$(echo "${CORPUS_SKIP:-}" | tr , '\n' | sed '/./s/^/-S /') $CORPUS
	check "capture: no unresolved, untracked, dropped or missed hits" t_no_lost_hits
	check "capture: a program expected to load that libbpf refuses fails the checker" t_checker_since
	check "capture: an object libbpf cannot open is not checked, in libbpf's words" t_checker_unopenable
	check "capture: with ftrace=0 (kprobes) the checker agrees as well" t_kprobes
	check "capture: two loaders side by side get complete envs" t_parallel
	check "capture: status says which functions are inlined, as /proc/kallsyms shows" t_status_derived
	check "capture: a prototype mismatch leaves that hook unattached, the rest records" t_proto_mismatch
	check "capture: a missing hook symbol: insmod works, status says what is lost" t_missing_hook
	check "capture: max_envs/max_events bound the store, drops are counted" t_bounds
	check "capture: rmmod while verifying and with files open" t_unload_busy
}
