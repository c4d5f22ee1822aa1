# Reports: report, report.json, filter, control (issue: filtered lifetime
# and leak reports with source lines).
RC="python3 /opt/bpf_diag/selftests/report_check.py"

t_branch_leak() {
	bpf-diag-load -l 2 -o $T -p rep_branch_leak $PROGS/report.bpf.o >/dev/null
	$RC branch $T/rep_branch_leak.log rep_branch_leak
}

# Every file:line in the report is the one the verifier prints for that
# insn.  bpf-diag-check holds every event's src= against the log over the
# whole corpus; this reads the report text itself, over a part of it.
t_srclines() {
	local o progs
	rm -rf $T/logs $T/loaded && mkdir -p $T/logs
	echo clear >$D/control
	for o in $PROGS/report.bpf.o $PROGS/paths.bpf.o $PROGS/sockets.bpf.o \
		 $PROGS/objects.bpf.o $PROGS/flow.bpf.o $PROGS/alloc.bpf.o; do
		bpf-diag-load -l 2 -o $T/logs $o >>$T/loaded
	done
	progs=$(sed -n 's/^prog=\([^ ]*\) .*/\1/p' $T/loaded | sort -u)
	$RC srclines $T/logs $progs
}

# Branches the verifier decided alone (nothing queued) are on the failing
# path too: loop_sk_leak's loop tests and its `if (!sk)` on a socket the
# loop already knows.  The text names them, report.json has them as
# "jump", envs says the walk is done; with max_walk=3 it is cut and the
# report says from where.  (bpf-diag-check holds every decision to the
# level-2 log, and on 7.3 to the kernel's own report.)
t_known_branches() {
	local e
	bpf-diag-load -p loop_sk_leak $PROGS/loops.bpf.o >/dev/null
	echo "prog=loop_sk_leak leaked" >$D/filter
	grep -q "(known here: nothing queued for the other side)" $D/report ||
		fail_msg "no branch the verifier decided alone: $(grep 'branch at' $D/report)"
	grep -q '{"jump":[0-9]*,"to":[0-9]*}' $D/report.json || fail_msg "report.json: no jump"
	e=$(grep " prog=loop_sk_leak " $D/envs | tail -n 1)
	[ "$(kv walk "$e")" = done ] && [ "$(kv walk_unplaced "$e")" = 0 ] ||
		fail_msg "walk=$(kv walk "$e") walk_unplaced=$(kv walk_unplaced "$e")"
	echo clear >$D/filter
	reload max_walk=3 || return 1
	bpf-diag-load -p loop_sk_leak $PROGS/loops.bpf.o >/dev/null
	echo "prog=loop_sk_leak leaked" >$D/filter
	e=$(grep " prog=loop_sk_leak " $D/envs | tail -n 1)
	[ "$(kv walk "$e")" = cut ] || fail_msg "max_walk=3: walk=$(kv walk "$e")"
	grep -q "(branches the verifier decided alone shown from insn [0-9]* on: max_walk or max_history)" \
		$D/report || fail_msg "max_walk=3: the report does not say where the walk stopped"
	echo clear >$D/filter
	reload
}

# Where the leaked reference went, and where to release it.  The
# expectations are the source's: rep_branch_leak's socket is released under
# `if (skb->len > 100)` (report.bpf.c:23) by line 24 and leaked on the other
# side; loop_sk_leak's leaked iteration has no release of its own, the
# same acquire's other iterations release at loops.bpf.c:53; lin_lost_call
# loses its socket to a helper call clobbering r0.  (bpf-diag-check holds
# every lineage step to the level-2 log's state prints, and the corpus's
# suggest= lines.)
t_lineage_suggestion() {
	echo clear >$D/control
	bpf-diag-load -p rep_branch_leak $PROGS/report.bpf.o >/dev/null
	bpf-diag-load -p loop_sk_leak $PROGS/loops.bpf.o >/dev/null
	bpf-diag-load -p lin_lost_call $PROGS/lineage.bpf.o >/dev/null
	echo "prog=rep_branch_leak leaked" >$D/filter
	grep -q "^    where it went (id=[0-9]*), replayed along this path:" $D/report ||
		fail_msg "rep_branch_leak: no lineage block"
	grep -q "^    suggestion: release it (through r[0-9]) on the [a-z-]* side of the branch at insn [0-9]*, before the leak at insn [0-9]*: path [0-9]* took the [a-z-]* side and released it at insn [0-9]*" \
		$D/report || fail_msg "rep_branch_leak: $(grep -A2 suggestion: $D/report)"
	grep -q "^      the branch: insn [0-9]* report.bpf.c:23:[0-9]*: if (skb->len > 100) {" $D/report ||
		fail_msg "rep_branch_leak: not the branch of line 23"
	grep -q "^      the release: insn [0-9]* report.bpf.c:24:[0-9]*: bpf_sk_release(sk);" $D/report ||
		fail_msg "rep_branch_leak: not the release of line 24"
	grep -q '"suggestion":{"leak_insn":[0-9]*,"branch":{"insn":[0-9]*,"this_side":"[a-z]*","releasing_side":"[a-z]*"' \
		$D/report.json || fail_msg "report.json: no suggestion with a branch"
	# read a byte at a time and after a seek: the same bytes (worked out once per env)
	t_odd_reads >/dev/null || fail_msg "rep_branch_leak: byte-wise reads differ"
	echo "prog=loop_sk_leak leaked" >$D/filter
	grep -q "^    suggestion: no path releases it" $D/report &&
		grep -q "^      the same acquire (insn [0-9]*) gave id=[0-9]*, released on path [0-9]*: insn [0-9]* loops.bpf.c:53:[0-9]*: bpf_sk_release(sk);" \
		$D/report || fail_msg "loop_sk_leak: $(grep -A1 suggestion: $D/report)"
	echo "prog=lin_lost_call leaked" >$D/filter
	grep -q "r0 clobbered by the call (r0-r5 do not survive one): nothing holds id=[0-9]* any more, the program lost it here" \
		$D/report || fail_msg "lin_lost_call: $(grep -A8 'where it went' $D/report)"
	grep -q "^    held at the leak: nothing" $D/report || fail_msg "lin_lost_call: held at the leak"
	grep -q "^    suggestion: no path releases it: release it before the leak at insn [0-9]* (nothing holds it there" \
		$D/report || fail_msg "lin_lost_call: $(grep suggestion: $D/report)"
	grep -q " kind=clobber from=r0 from_frame=0 to=- to_frame=0 lost=1" $D/lineage ||
		fail_msg "lineage file: $(cat $D/lineage)"
	echo clear >$D/filter
}

t_json() {
	bpf-diag-load $PROGS/report.bpf.o >/dev/null
	$RC json
}

t_no_btf() {
	echo clear >$D/control
	bpf-diag-load -p sock_leak $ST/progs-nobtf/sock.bpf.o >/dev/null
	echo "prog=sock_leak leaked" >$D/filter
	cat $D/report >$T/nobtf
	echo clear >$D/filter
	grep -q "Resource Lifetime Safety: unreleased reference id=2" $T/nobtf || fail_msg "no leak report"
	grep -q "at insn 12 (no BTF line info)" $T/nobtf || fail_msg "no insn-only acquire line: $(cat $T/nobtf)"
}

t_filter_keys() {
	local pid n
	echo clear >$D/control
	bpf-diag-load $PROGS/sock.bpf.o >/dev/null
	bpf-diag-load $PROGS/report.bpf.o >/dev/null &
	pid=$!
	wait $pid
	f() { echo "$1" >$D/filter || fail_msg "filter '$1' refused"; }
	f "prog=sock_leak"; [ "$(grep -c . $D/envs)" = 1 ] || fail_msg "prog= exact"
	f "prog=rep_*"; [ "$(grep -c . $D/envs)" = 2 ] || fail_msg "prog= glob"
	f "pid=$pid"; n=$(grep -c "prog=rep_" $D/envs)
	[ "$n" = 2 ] && ! grep -q "prog=sock" $D/envs || fail_msg "pid="
	f "verdict=accepted prog=sock_*"; grep -q "prog=sock_release" $D/envs && ! grep -q sock_leak $D/envs ||
		fail_msg "verdict=accepted"
	f "verdict=rejected leaked prog=sock_*"; [ "$(grep -c . $D/envs)" = 1 ] || fail_msg "leaked"
	f "comm=bpf-diag-load prog=sock_leak"; [ "$(grep -c . $D/envs)" = 1 ] || fail_msg "comm="
	n=$(sed -n 's/^env=\([0-9]*\) prog=rep_tail_leak.*/\1/p' $D/envs)
	f "prog=rep_tail_leak"; n=$(sed -n 's/^env=\([0-9]*\) .*/\1/p' $D/envs)
	f "env=$n ref=4"
	[ "$(grep -c . $D/events)" -ge 2 ] && ! grep -v " id=4 " $D/events | grep -q . ||
		fail_msg "ref= narrows events: $(cat $D/events)"
	grep -q "reference id=4" $D/report && ! grep -q "id=3" $D/report || fail_msg "ref= narrows report"
	echo "prog=sock_leak bogus" >$D/filter 2>/dev/null && fail_msg "a bad filter was accepted"
	grep -q "^env=$n ref=4$" $D/filter || fail_msg "bad filter did not keep the old one: $(cat $D/filter)"
	grep -q "^# error: unknown key 'bogus'" $D/filter || fail_msg "no error shown"
	# libbpf's feature probes load programs without a name: prog=-
	f "prog=-"
	[ "$(grep -c . $D/envs)" -gt 0 ] && ! grep -v "^env=[0-9]* prog=- " $D/envs ||
		fail_msg "prog=- shows: $(head -3 $D/envs)"
	grep -qx "prog=-" $D/filter || fail_msg "prog=- reads back as $(cat $D/filter)"
	# a name longer than the kernel keeps (15), loaded above with report.bpf.o
	for n in long_name_sock_leak long_name_sock_; do
		f "prog=$n leaked"
		[ "$(grep -c . $D/envs)" = 1 ] && grep -q "^env=[0-9]* prog=long_name_sock_leak " $D/envs ||
			fail_msg "prog=$n: $(cat $D/envs)"
	done
	grep -q "^env [0-9]*: prog long_name_sock_leak (" $D/report || fail_msg "report: $(head -1 $D/report)"
	python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))[0]
assert (e["prog"], e["kernel_name"]) == ("long_name_sock_leak", "long_name_sock_"), e["prog"]
' $D/report.json || fail_msg "report.json's names"
	f "prog=long_name_sock_l*"; grep -q "prog=long_name_sock_leak " $D/envs || fail_msg "prefix past 15"
	echo "prog=$(printf '%064d' 0 | tr 0 x)" >$D/filter 2>/dev/null && fail_msg "a 64-character name was accepted"
	echo >$D/filter
	grep -q "^none$" $D/filter || fail_msg "empty write does not reset"
}

t_control() {
	bpf-diag-load $PROGS/sock.bpf.o >/dev/null
	echo clear >$D/control
	[ "$(grep -c . $D/envs)" = 0 ] || fail_msg "clear left envs"
	echo disable >$D/control
	bpf-diag-load $PROGS/sock.bpf.o >/dev/null
	[ "$(grep -c . $D/envs)" = 0 ] || fail_msg "recorded while disabled"
	grep -q "^enabled: no" $D/status || fail_msg "status does not say disabled"
	echo enable >$D/control
	bpf-diag-load $PROGS/sock.bpf.o >/dev/null
	[ "$(grep -c . $D/envs)" -gt 0 ] || fail_msg "not recording after enable"
	echo bogus >$D/control 2>/dev/null && fail_msg "bogus control command accepted"
	grep -qx "# error: unknown command 'bogus' (clear enable disable)" $D/control ||
		fail_msg "no reason for the refused command: $(cat $D/control)"
	echo enable >$D/control
	grep -q "^# error" $D/control && fail_msg "the error outlived a good command: $(cat $D/control)"
	# /proc/bpf_diag: the same two files (the way to them under lockdown)
	echo disable >/proc/bpf_diag/control && grep -qx "enabled: no" $D/control ||
		fail_msg "/proc/bpf_diag/control is not control: $(cat $D/control)"
	echo enable >/proc/bpf_diag/control
	echo "prog=sock_leak" >/proc/bpf_diag/filter && grep -qx "prog=sock_leak" $D/filter ||
		fail_msg "/proc/bpf_diag/filter is not filter: $(cat $D/filter)"
	echo clear >/proc/bpf_diag/filter
	return 0
}

t_fuzz() {
	$RC fuzz 10000 || return 1
	dmesg | grep -E "WARNING|BUG|Oops" && fail_msg "kernel complained"
	echo clear >$D/control
	bpf-diag-load -p sock_leak $PROGS/sock.bpf.o >/dev/null
	grep -q "kind=leak" $D/events || fail_msg "not recording after the fuzzing"
}

t_odd_reads() {
	# reads of 1 byte, at odd offsets, and after seeks give the same bytes
	python3 - <<'PY' || return 1
import os
D = "/sys/kernel/debug/bpf_diag/"
for name in ("envs", "events", "report", "report.json", "status", "filter"):
    whole = open(D + name, "rb").read()
    fd = os.open(D + name, os.O_RDONLY)
    one = b""
    while True:
        b = os.read(fd, 1)
        if not b:
            break
        one += b
    # after a seek, to the end: a read returns at most what one seq_file
    # buffer holds (a page or so), the rest comes with the next reads
    os.lseek(fd, 7, os.SEEK_SET)
    tail = b""
    while True:
        b = os.read(fd, 1 << 20)
        if not b:
            break
        tail += b
    os.close(fd)
    if name != "status" and (one != whole or tail != whole[7:]):
        raise SystemExit("%s: byte-wise or seeked read differs" % name)
print("byte-wise and seeked reads agree")
PY
}

# report.json stays valid JSON whatever the filter shows.
t_json_filters() {
	local f
	bpf-diag-load $PROGS/report.bpf.o >/dev/null
	bpf-diag-load -p pth_nest2 $PROGS/paths.bpf.o >/dev/null
	for f in "path=1" "path=0" "path=2 leaked" "ref=2" "locks" "verdict=rejected path=1"; do
		echo "$f" >$D/filter
		python3 -c 'import json; json.load(open("/sys/kernel/debug/bpf_diag/report.json"))' 2>$T/err ||
			{ echo clear >$D/filter; fail_msg "filter '$f': report.json: $(tail -1 $T/err)"; return; }
	done
	echo clear >$D/filter
}

# comm= takes the name as the files print it: a space as \x20.
t_comm_space() {
	echo clear >$D/control
	bpf-diag-load -c "my loader" -p sock_leak $PROGS/sock.bpf.o >/dev/null
	bpf-diag-load -p sock_leak $PROGS/sock.bpf.o >/dev/null
	grep -q 'comm=my\\x20loader ' $D/envs || fail_msg "envs does not print comm=my\\x20loader"
	printf '%s\n' 'comm=my\x20loader' >$D/filter || { fail_msg "filter comm=my\\x20loader refused: $(cat $D/filter)"; return; }
	grep -q "prog=sock_leak .*comm=my\\\\x20loader " $D/envs || fail_msg "comm=my\\x20loader does not show its load"
	grep -v "comm=my\\\\x20loader " $D/envs | grep . && fail_msg "comm=my\\x20loader shows other envs"
	echo clear >$D/filter
	printf '%s\n' 'comm=my\x2' >$D/filter 2>/dev/null && fail_msg "a broken escape was accepted"
	grep -q "^# error: comm:" $D/filter || fail_msg "no error for a broken escape: $(cat $D/filter)"
	echo clear >$D/filter
}

group_report() {
	reload
	check "report: a one-branch leak shows acquire and leak on the failing path, the release apart" t_branch_leak
	check "report: every file:line is the verifier's own for that insn" t_srclines
	check "report: branches the verifier decided alone are on the failing path (max_walk cuts them)" t_known_branches
	check "report: where a leaked reference went, and where to release it (lineage, suggestion)" t_lineage_suggestion
	check "report: report.json parses and carries the events' ids and insns" t_json
	check "report: a program without BTF line info gets an insn-only report" t_no_btf
	check "report: filter keys env prog prog* ref pid comm verdict leaked" t_filter_keys
	check "report: control clear/disable/enable" t_control
	check "report: 10000 malformed filter writes give clean errors" t_fuzz
	check "report: byte-wise and seeked reads" t_odd_reads
	check "report: report.json parses under path=, ref=, locks filters" t_json_filters
	check "report: comm= matches a name with a space written as \\x20" t_comm_space
}
