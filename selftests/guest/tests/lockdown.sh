# Kernel lockdown (issue 25): a Secure Boot machine runs Debian's kernel
# in lockdown mode "integrity", where debugfs refuses every file whose
# mode allows more than reading (fs/debugfs/file.c, debugfs_locked_down()).
# Every documented operation must work there, through /proc/bpf_diag for
# the two writable files.  A locked-down kernel loads only signed modules
# (the guest's is not), so the module is loaded first and the lockdown
# raised at run time: integrity, then confidentiality (what a boot with
# lockdown=confidentiality gives; a level can only go up).  This group
# must be the last of its guest: nothing can be insmod'ed after it.
SECFS=/sys/kernel/security
P=/proc/bpf_diag

t_lockdown_setup() {
	ensure_loaded
	[ -e $SECFS/lockdown ] || mount -t securityfs securityfs $SECFS
	[ -e $SECFS/lockdown ] || { fail_msg "no $SECFS/lockdown: this kernel has no lockdown LSM"; return; }
	grep -q '\[none\]' $SECFS/lockdown || fail_msg "locked down before the test: $(cat $SECFS/lockdown)"
	grep -q "^lockdown: no" $D/status || fail_msg "status before lockdown: '$(grep '^lockdown' $D/status)'"
}

# LEVEL: raise the lockdown, then every operation of docs/interface.md
t_locked_ops() {
	local lvl=$1 out f
	echo "$lvl" >$SECFS/lockdown 2>/dev/null
	grep -q "\[$lvl\]" $SECFS/lockdown ||
		{ fail_msg "cannot raise the lockdown to $lvl: $(cat $SECFS/lockdown)"; return; }
	# what the kernel refuses: debugfs's writable files, even for reading
	if out=$(cat $D/filter 2>&1); then
		fail_msg "debugfs's filter can be read under $lvl: is the lockdown in force?"
	fi
	echo "# $lvl: debugfs refuses its writable files as documented: $out"
	grep -q "^lockdown: yes" $D/status ||
		fail_msg "status does not say the lockdown: '$(grep '^lockdown' $D/status)'"
	# clear, then two objects with a leak each, and accepted programs
	echo clear >$P/control || fail_msg "$P/control: clear refused"
	[ "$(grep -c . $D/envs)" = 0 ] || fail_msg "clear left envs: $(head -3 $D/envs)"
	bpf-diag-load $PROGS/report.bpf.o >/dev/null
	bpf-diag-load $PROGS/sock.bpf.o >/dev/null
	echo "prog=rep_branch_leak leaked" >$P/filter || fail_msg "$P/filter: a filter refused"
	grep -qx "prog=rep_branch_leak leaked" $P/filter || fail_msg "filter reads back as '$(cat $P/filter)'"
	[ "$(grep -c . $D/envs)" = 1 ] && grep -q "prog=rep_branch_leak .*verdict=rejected" $D/envs ||
		fail_msg "the filter does not narrow envs: $(cat $D/envs)"
	grep -q "Resource Lifetime Safety: unreleased reference id=2" $D/report ||
		fail_msg "no leak report: $(head -20 $D/report)"
	python3 -c '
import json, sys
envs = json.load(open(sys.argv[1]))
assert [e["prog"] for e in envs] == ["rep_branch_leak"], [e["prog"] for e in envs]
assert any(ev["kind"] == "leak" for ev in envs[0]["events"]), envs[0]["events"]
' $D/report.json || fail_msg "report.json is not the one filtered leak"
	# a bad filter and a bad command: refused, the reason readable
	echo "prog=rep_branch_leak bogus" >$P/filter 2>/dev/null && fail_msg "a bad filter was accepted"
	grep -q "^# error: unknown key 'bogus'" $P/filter || fail_msg "no filter error shown: $(cat $P/filter)"
	echo bogus >$P/control 2>/dev/null && fail_msg "a bad control command was accepted"
	grep -q "^# error: unknown command 'bogus'" $P/control ||
		fail_msg "no control error shown: $(cat $P/control)"
	echo clear >$P/filter && grep -qx none $P/filter || fail_msg "filter clear: $(cat $P/filter)"
	# disable, enable
	echo disable >$P/control || fail_msg "disable refused"
	grep -q "^enabled: no" $P/control && grep -q "^enabled: no" $D/status ||
		fail_msg "disabled: control '$(grep enabled $P/control)', status '$(grep ^enabled $D/status)'"
	echo clear >$P/control
	bpf-diag-load $PROGS/sock.bpf.o >/dev/null
	[ "$(grep -c . $D/envs)" = 0 ] || fail_msg "recorded while disabled"
	echo enable >$P/control || fail_msg "enable refused"
	bpf-diag-load $PROGS/sock.bpf.o >/dev/null
	grep -q "prog=sock_leak" $D/envs || fail_msg "not recording after enable"
	for f in status envs events paths history report report.json; do
		cat $D/$f >/dev/null || fail_msg "$D/$f cannot be read under $lvl"
	done
}

group_lockdown() {
	check "lockdown: securityfs, the module loaded, the kernel not yet locked down" t_lockdown_setup
	check "lockdown integrity: filter, clear, disable/enable, report and report.json on a leak" \
		t_locked_ops integrity
	check "lockdown confidentiality: filter, clear, disable/enable, report and report.json on a leak" \
		t_locked_ops confidentiality
}
