# The kernel's own BPF selftests (selftests/kselftests.list: the objects of
# Debian's linux-source-7.2 that test reference tracking, never seen by
# the corpus's author) through bpf-diag-check: every program alone, its
# records held to its level-2 log, its verdict to the selftest's own
# __failure / __success / __msg tags on 7.2 without PREEMPT_RT, the kernel
# they come from (older kernels and RT reject with other words).  KSELFTESTS=0 leaves the group out
# (counted as skipped).
KSELFTESTS=${KSELFTESTS:-1}
group_kselftests() {
	if [ "$KSELFTESTS" = 0 ]; then
		skip "kselftests: bpf-diag-check over the kernel's BPF selftests" "left out on this row (KSELFTESTS=0)"
		return
	fi
	ensure_loaded
	# The tags are upstream's, for a kernel without PREEMPT_RT: there the
	# verifier refuses bpf_timer first ("bpf_timer cannot be used for
	# PREEMPT_RT."), another message for the same verdict (seen on 7.2-rt).
	tags="--tags-kernel 7.2"
	if uname -v | grep -q PREEMPT_RT; then
		tags="--tags-kernel none"
		diag "PREEMPT_RT: the selftests' tags are not asserted (their messages are a non-RT kernel's)"
	fi
	subtest "kselftests: bpf-diag-check over the kernel's BPF selftests" \
		bpf-diag-check $tags $ST/kselftests/*.bpf.o
}
