# The kernel's own BPF selftests (selftests/kselftests.list: the objects of
# Debian's linux-source-7.2 that test reference tracking, never seen by
# the corpus's author) through bpf-diag-check: every program alone, its
# records held to its level-2 log, its verdict to the selftest's own
# __failure / __success / __msg tags on 7.2, the kernel they come from
# (older kernels reject with other words).  KSELFTESTS=0 leaves the group out
# (counted as skipped).
KSELFTESTS=${KSELFTESTS:-1}
group_kselftests() {
	if [ "$KSELFTESTS" = 0 ]; then
		skip "kselftests: bpf-diag-check over the kernel's BPF selftests" "left out on this row (KSELFTESTS=0)"
		return
	fi
	ensure_loaded
	subtest "kselftests: bpf-diag-check over the kernel's BPF selftests" \
		bpf-diag-check --tags-kernel 7.2 $ST/kselftests/*.bpf.o
}
