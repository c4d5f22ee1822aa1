# Module skeleton and the stock verifier's own behaviour.

t_insmod_rmmod_cycle() {
	local i
	for i in 1 2 3; do
		[ -d $D ] && { rmmod bpf_diag || return 1; }
		[ -e $D ] && fail_msg "debugfs dir left after rmmod"
		grep -q '^bpf_diag ' /proc/modules && fail_msg "module still listed"
		insmod $KO || fail_msg "insmod failed"
		[ -r $D/status ] || fail_msg "no status file after insmod"
	done
	rmmod bpf_diag || return 1
	[ -e $D ] && fail_msg "debugfs dir left after final rmmod"
	[ -e /proc/bpf_diag ] && fail_msg "/proc/bpf_diag left after rmmod"
	ls /sys/kernel/debug | grep -q bpf_diag && fail_msg "stray bpf_diag entry"
	insmod $KO
}

t_status_lists_symbols() {
	local s
	s=$(cat $D/status) || return 1
	echo "$s" | grep -q "^kernel: $(uname -r)$" || fail_msg "kernel release missing"
	echo "$s" | grep -q "^version: " || fail_msg "version missing"
	for sym in bpf_check do_check_common release_reference push_stack; do
		echo "$s" | grep -q "^symbol $sym: present$" || fail_msg "$sym not present"
	done
	# acquire_reference is inlined on both stock kernels (PLATFORM.md):
	# its absence must be reported, not hidden.
	echo "$s" | grep -q "^symbol acquire_reference: absent$" ||
		fail_msg "acquire_reference not reported absent"
}

t_status_root_only() {
	local f want got
	for f in $D/status $D/envs $D/events $D/paths $D/history $D/report $D/report.json \
		 $D/filter $D/control /proc/bpf_diag/filter /proc/bpf_diag/control; do
		case $f in */filter|*/control) want="600 0 0" ;; *) want="400 0 0" ;; esac
		got=$(stat -c "%a %u %g" $f 2>&1)
		[ "$got" = "$want" ] || fail_msg "$f: mode, uid, gid '$got', want '$want'"
	done
}

t_sock_release_accepted() {
	bpf-diag-load -p sock_release -o $T $PROGS/sock.bpf.o >$T/out || return 1
	grep -q "prog=sock_release verdict=accepted err=0" $T/out ||
		fail_msg "$(cat $T/out) $(tail -3 $T/sock_release.log)"
}

t_sock_leak_rejected() {
	bpf-diag-load -p sock_leak -o $T $PROGS/sock.bpf.o >$T/out || return 1
	grep -q "prog=sock_leak verdict=rejected" $T/out || fail_msg "$(cat $T/out)"
	grep -q "^Unreleased reference id=[0-9]* alloc_insn=[0-9]*$" $T/sock_leak.log ||
		fail_msg "no 'Unreleased reference' in the verifier log"
}

# Handlers run in kprobe context: none of them may be probed itself.
t_handlers_nokprobe() {
	local bl=/sys/kernel/debug/kprobes/blacklist h n=0 miss=
	[ -r $bl ] || { fail_msg "no $bl"; return; }
	for h in $(awk '$NF == "[bpf_diag]" && ($2 == "t" || $2 == "T") && $3 ~ /(_entry|_ret|_pre)$/ && $3 !~ /^__pfx_/ { print $3 }' /proc/kallsyms); do
		n=$((n + 1))
		grep -q "[[:space:]]$h\( \|$\)" $bl || miss="$miss $h"
	done
	[ $n -ge 6 ] || fail_msg "only $n handler symbols found in /proc/kallsyms"
	[ -z "$miss" ] || fail_msg "handlers not in the kprobe blacklist:$miss"
}

group_skeleton() {
	ensure_loaded
	check "skeleton: insmod/rmmod cycle leaves no debugfs or /proc entries" t_insmod_rmmod_cycle
	check "skeleton: status lists verifier symbols" t_status_lists_symbols
	check "skeleton: every file is root-only: 0400, filter and control 0600, in debugfs and /proc/bpf_diag" t_status_root_only
	check "skeleton: every kprobe handler is NOKPROBE_SYMBOL" t_handlers_nokprobe
	check "verifier: socket acquire+release is accepted" t_sock_release_accepted
	check "verifier: socket leak is rejected with Unreleased reference" t_sock_leak_rejected
}
