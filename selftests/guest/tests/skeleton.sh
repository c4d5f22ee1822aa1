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
	local mode
	mode=$(stat -c %a $D/status)
	[ "$mode" = 400 ] || fail_msg "status mode $mode, want 400"
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
	check "skeleton: insmod/rmmod cycle leaves no debugfs entries" t_insmod_rmmod_cycle
	check "skeleton: status lists verifier symbols" t_status_lists_symbols
	check "skeleton: status is root-only" t_status_root_only
	check "skeleton: every kprobe handler is NOKPROBE_SYMBOL" t_handlers_nokprobe
	check "verifier: socket acquire+release is accepted" t_sock_release_accepted
	check "verifier: socket leak is rejected with Unreleased reference" t_sock_leak_rejected
}
