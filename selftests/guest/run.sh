#!/bin/sh
# Guest-side selftest runner: runs every tests/*.sh group, prints KTAP and
# the closing "N passed, N failed, N skipped" line.  Exit 1 on any failure.
#   run.sh [KNOB=VALUE]... [GROUP...]   (default: all groups, e.g. "run.sh skeleton")
# A KNOB=VALUE argument sets one of the tests' knobs (UNLOAD_CYCLES,
# STRESS_SECONDS, CORPUS_SKIP, BIG_ENV, CHECK_LIGHT, EVICT_ENVS, SKIP_TESTS; see
# tests/*.sh and lib.sh) for this run.
cd /opt/bpf_diag/selftests || exit 2
. ./lib.sh
groups= knobs=
for a; do
	case $a in
	*=*) export "$a"; knobs="$knobs $a" ;;
	*) groups="$groups $a" ;;
	esac
done
# CHECK_LIGHT=1 (a row whose verifier another row checks in full at log
# level 2: a flavour of it, the debug build): the corpus checks run
# bpf-diag-check --light (level 1: verdicts, leaks, invariants)
LIGHT=${CHECK_LIGHT:+--light}
[ -n "$groups" ] || groups=$(for f in tests/*.sh; do basename "$f" .sh; done)
# lockdown last: it locks the kernel down for good (no insmod after it)
groups="$(for g in $groups; do [ $g = lockdown ] || echo $g; done) $(for g in $groups; do [ $g != lockdown ] || echo $g; done)"
echo "KTAP version 1"
v=$(sed -n 's/.* \(Debian [^ ]*\) .*/\1/p' /proc/version)
echo "# kernel $(uname -r)${v:+ ($v)}"
[ ! -e /opt/bpf_diag/origin ] || diag "module built by $(cat /opt/bpf_diag/origin)"
[ -z "$knobs" ] || diag "knobs:$knobs"
! grep -qw kmemleak=off /proc/cmdline ||
	diag "kmemleak is off in this boot (KMEMLEAK=off: the row's leak checks are another part's)"
for g in $groups; do
	diag "group $g"
	t0=$(uptime_s)
	. "./tests/$g.sh"
	"group_$g"
	diag "group $g took $(($(uptime_s) - t0))s"
done
echo "1..$_n"
echo "$_pass passed, $_fail failed, $_skip skipped"
[ $_fail = 0 ]
