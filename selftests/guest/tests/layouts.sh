# Struct layouts (issue: every struct read checked against BTF): bpf_diag
# built against altered copies of this kernel's bpf_verifier.h
# (scripts/build-variants), as a Debian stable update that changes a
# verifier struct without changing the ABI name would leave a DKMS-built
# module.  Loaded on the stock kernel: no oops (vmtest fails on any kernel
# report), status names what differs, and where the kernel's offsets can
# be read the records are as good as the real module's.
VAR=$ST/variants
LAYOUT_OBJS="$PROGS/report.bpf.o $PROGS/sockets.bpf.o $PROGS/alloc.bpf.o $PROGS/calls.bpf.o"

variant_load() { # NAME: the variant in place of bpf_diag
	rmmod bpf_diag 2>/dev/null
	insmod $VAR/$1.ko || { fail_msg "insmod $1.ko failed"; return 1; }
	grep -E '^(layout|recording|hook)' $D/status | grep -v ': attached ' | sed 's/^/# /'
}

# The variant NAME, whose status line must match PATTERN, records
# complete and as the verifier says (the checker on a part of the corpus).
records_exact() { # NAME PATTERN WHAT
	variant_load $1 || return
	grep -q "$2" $D/status || fail_msg "status does not say $3"
	grep -qx 'recording: complete' $D/status || fail_msg "recording is not complete"
	bpf-diag-check --expect $PROGS/expect.txt $LAYOUT_OBJS >$T/chk ||
		{ grep '^not ok' $T/chk | head; fail_msg "the records differ from the verifier's"; }
	tail -1 $T/chk | sed 's/^/# checker: /'
	reload
}

# A member inserted before cur_state: everything after it read where the kernel has it.
t_shift() {
	records_exact shift '^layout: struct bpf_verifier_env member cur_state: built at [0-9]*, here at [0-9]*: read there$' \
		"cur_state moved"
}

# bpf_reference_state grown: refs[] stepped with the kernel's size.
t_grown() {
	records_exact grown '^layout: struct bpf_reference_state: built [0-9]* bytes, here [0-9]*: arrays stepped with [0-9]*$' \
		"bpf_reference_state's size differs"
}

# A member of another size: its readers refused, the rest attached.
t_resized() {
	local o
	variant_load resized || return
	grep -q '^layout: struct [a-z_]* member \(active_locks\|acquired_refs\): built at [0-9]*, 8 bytes; here: another size (4 bytes); not read, refused:' $D/status ||
		fail_msg "status does not name the resized member"
	grep -q '^hook leak: not attached, tried .*: reads struct [a-z_]* member \(active_locks\|acquired_refs\): another size' $D/status ||
		fail_msg "the leak hook, which reads it, was not refused"
	grep -qx 'recording: partial (see hooks not attached)' $D/status || fail_msg "recording is not partial"
	grep -q '^hook env: attached' $D/status || fail_msg "the env hook, which does not read it, was refused"
	for o in $PROGS/*.bpf.o; do bpf-diag-load -q -l 0 $o >/dev/null 2>&1; done
	echo "# $(counter envs) envs recorded, $(counter events) events"
	[ "$(counter envs)" -gt 0 ] || fail_msg "nothing recorded"
	reload
}

# bpf_diag with one defect put in on purpose (scripts/build-variants'
# mutants): the checker must fail each, for the reason the defect gives.
# Each passed the checker before issue 24's exact checks.
mutant_fails() { # NAME PATTERN OBJ [ARGS]...: the checker fails NAME with PATTERN
	local name=$1 pat=$2
	shift 2
	variant_load $name || return
	bpf-diag-check "$@" >$T/chk 2>&1
	rc=$?
	grep '^not ok' $T/chk | head -3 | cut -c1-300 | sed "s/^/# $name: /"
	[ $rc = 1 ] || fail_msg "$name: checker exit $rc, want 1"
	grep -q "$pat" $T/chk || fail_msg "$name: no 'not ok' matching: $pat"
	reload
}

t_mutants() {
	mutant_fails m_callsite \
		'^not ok [0-9]* calls.bpf.o:call_sub_acq # acquire id=[0-9]* at insn 0, but the log shows it gained at insn [0-9]*' \
		-p call_sub_acq -p cb_loop_ok $PROGS/calls.bpf.o
	mutant_fails m_branch \
		'^not ok [0-9]* sock.bpf.o:sock_leak # failing path [0-9]*: path [0-9]* forked from it at insn [0-9]*, its history names that branch 0 times' \
		-p sock_leak $PROGS/sock.bpf.o
	mutant_fails m_lineage \
		'^not ok [0-9]* lineage.bpf.o:lin_spill_fill # lineage of id=[0-9]*: insn [0-9]* spill r0->fp-64' \
		-p lin_spill_fill $PROGS/lineage.bpf.o
	mutant_fails m_release \
		'^not ok [0-9]* iters.bpf.o:it_nested # accepted, but id [0-9]* is never released or dropped' \
		-p it_nested $PROGS/iters.bpf.o
}

group_layouts() {
	local v
	for v in shift grown resized; do
		if [ ! -e $VAR/$v.ko ]; then
			skip "layouts: the $v variant" "not built for this kernel (scripts/build-variants runs for 7.2 and 6.12)"
			continue
		fi
		case $v in
		shift) check "layouts: a member inserted before cur_state: read where the kernel has it, records as the verifier's" t_shift ;;
		grown) check "layouts: bpf_reference_state grown: refs[] stepped with the kernel's size, records as the verifier's" t_grown ;;
		resized) check "layouts: a member of another size: its readers refused and named, no oops" t_resized ;;
		esac
	done
	# the mutants are built for 7.2 (the checker is the same on every row)
	case $(uname -r) in
	7.2.*)
		check "layouts: bpf_diag with a defect put in (blamed acquire, branch left out, release lost, spill misplaced): the checker fails each" t_mutants ;;
	esac
}
