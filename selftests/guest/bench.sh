#!/bin/sh
# Overhead of bpf_diag on verification, measured side by side in one boot.
#   bench.sh [ROUNDS] [LOADS]
# Each round times loading every program of the corpus LOADS times (log
# level 0) in each configuration, in turn: module not loaded, module loaded
# with all hooks, and module loaded with one hook role denied (to see what
# each hook costs).  Prints the median time per configuration and its
# ratio to "off".  A benchmark, not a test: nothing here passes or fails.
ROUNDS=${1:-5}
LOADS=${2:-5}
D=/sys/kernel/debug/bpf_diag
KO=/opt/bpf_diag/bpf_diag.ko
R=/tmp/bench
mkdir -p $R
rm -f $R/*
ROLES="acquire release pop push slot_sync_free leak release_call null_check"

measure() { # config-name
	local o t=0 n
	for o in /opt/bpf_diag/progs/*.bpf.o; do
		n=$(bpf-diag-load -q -t -l 0 -n $LOADS $o | sed -n 's/^load_ns=\([0-9]*\).*/\1/p')
		t=$((t + ${n:-0}))
	done
	echo $t >>$R/$1
}

config() { # name [insmod args]
	local name=$1
	shift
	rmmod bpf_diag 2>/dev/null
	[ "$name" = off ] || insmod $KO "$@" || return
	# a missing symbol on this kernel: the role does not exist here
	[ "$name" = off ] || [ "$name" = all ] || grep -q "^hook ${name#no_}: " $D/status || return
	measure $name
}

for r in $(seq $ROUNDS); do
	config off
	config all
	for role in $ROLES; do config no_$role deny_hooks=$role; done
done
rmmod bpf_diag 2>/dev/null

median() { sort -n $R/$1 | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
off=$(median off)
echo "kernel $(uname -r), $ROUNDS rounds x $LOADS loads of every corpus program"
printf "%-22s %14s %8s\n" config median_ms ratio
for c in off all $(for x in $ROLES; do echo no_$x; done); do
	[ -s $R/$c ] || continue
	m=$(median $c)
	printf "%-22s %14s %8s\n" $c $(awk "BEGIN { printf \"%.1f\", $m / 1e6 }") \
		$(awk "BEGIN { printf \"%.3f\", $m / $off }")
done
