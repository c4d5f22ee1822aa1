#!/bin/sh
# Guest side of scripts/bench: what bpf_diag adds to the verifier, measured
# side by side in one boot with what a user would run instead.
#   bench.sh [ROUNDS [CONFIGS]]   (default 4; round 1 warms up and is not
#                                  counted; CONFIGS: only these, no reader cost)
# Under QEMU's icount (scripts/bench's default, one vCPU) a guest
# nanosecond is one executed instruction, so the numbers are instruction
# counts.  What is counted is each program's BPF_PROG_LOAD syscall
# (bpf-diag-load -t): the verifier and the kernel around it, not libbpf.
# A set's figure is the sum over its objects of each object's median over
# the counted rounds: a load that the kernel's own background work (a
# worker, a compaction) happened to land in moves one round, not the
# median.  The guest is made quiet first (no transparent huge pages, no
# proactive compaction).
#
# Sets of loads, each program alone:
#   corpus  every program of every corpus object
#   heavy   the 3 corpus programs with the most events and the 3 with the
#           most paths (picked in this boot from bpf_diag's envs), and
#           big_full (924k processed insns, near the verifier's 1M limit)
# Configurations, in turn in every round:
#   off        the verifier alone, log level 0
#   all        bpf_diag loaded, every hook
#   idle       the same, recording disabled (control): the hooks' own cost
#   kprobes    the same with ftrace=0: entry hooks as kprobes, not ftrace
#   no_ROLE    bpf_diag with one hook role denied (deny_hooks=ROLE)
#   nowalk     bpf_diag with max_walk=0: no failing path walked back from its
#              leak (what the branch decisions the verifier made alone cost)
#   nolineage  bpf_diag with lineage=0: the walk without the lineage's replay
#              (what where each leaked reference went costs; at leaks only)
#   log1       no module, the verifier's log at level 1: what a user loads
#              with to get the kernel's own leak report (7.3 and later)
#   log2       no module, the verifier's log at level 2 (bpftool prog load -d)
#   bpftrace   no module; bpftrace records the same hook hits the obvious
#              way: kprobes and kretprobes on the functions bpf_diag hooks
#              (status), every hit appended to a map keyed by task
# Then the memory bpf_diag holds per record and per env, and the cost of
# reading report, report.json and events for envs of 1k, 10k and 100k
# events.  A benchmark, not a test: nothing here passes or fails.
ROUNDS=${1:-4}
ONLY=${2:-}
D=/sys/kernel/debug/bpf_diag
ST=/opt/bpf_diag
KO=$ST/bpf_diag.ko
PROGS=$ST/progs
BIG=$ST/progs-limits/big.bpf.o
R=/tmp/bench
export PATH=$ST/bin:$PATH
rm -rf $R && mkdir -p $R
# bpftrace's clang writes to /dev/fd/N, which this initramfs lacks
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
say() { echo "# $*"; }
# bpf_diag with room for every env and event of a run (ARGS: more params)
diag_on() { insmod $KO max_events=1000000 max_bytes=268435456 "$@"; }
# instructions (icount) in BPF_PROG_LOAD over bpf-diag-load's loads: ARGS OBJ
load_ns() { bpf-diag-load -q -t "$@" | sed -n 's/^load_ns=\([0-9]*\).*/\1/p'; }
# the configurations' roles: every hook but the two every record needs
ROLES=
BT=no

# ---- set-up: a quiet guest, the hooks of this kernel, the heavy set, the bpftrace script
for f in /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/mm/transparent_hugepage/defrag; do
	[ ! -w $f ] || echo never >$f
done
[ ! -w /proc/sys/vm/compaction_proactiveness ] || echo 0 >/proc/sys/vm/compaction_proactiveness
diag_on || exit 2
grep '^hook ' $D/status | sed 's/ -- .*//' | sed 's/^/# /'
for r in $(sed -n 's/^hook \([a-z_]*\): attached .*/\1/p' $D/status); do
	case $r in env|bind) ;; *) ROLES="$ROLES $r" ;; esac
done
# the corpus once, to pick the heavy programs from bpf_diag's envs
for o in $PROGS/*.bpf.o; do
	for p in $(bpf-diag-load -L $o); do
		echo "$(echo $p | cut -c1-15) $o $p"
	done
done >$R/names
for o in $PROGS/*.bpf.o; do bpf-diag-load -q -l 0 $o; done
pick() { # KEY: the 3 envs with the most KEY=, as "OBJ PROG"
	sed -n "s/^env=[0-9]* prog=\([^ ]*\) .* $1=\([0-9]*\) .*/\2 \1/p" $D/envs | sort -rn |
		awk '!seen[$2]++' | head -3 | while read -r n name; do
			grep "^$name " $R/names | head -1 | cut -d' ' -f2-
		done
}
{ pick events; pick paths; echo "$BIG big_full"; } | awk '!seen[$0]++' >$R/heavy
say "heavy set: $(awk '{ sub(".*/", "", $1); printf "%s:%s ", $1, $2 }' $R/heavy)"
# the bpftrace script: every hooked function, a kprobe and, where its
# result is what is recorded, a kretprobe: where bpf_diag has one, and for
# the two results bpf_diag reads later instead (the acquired slot, at the
# next hook; the queued state, in the pop hook), the obvious way
if command -v bpftrace >/dev/null; then
	{
		echo 'config = { max_map_keys = 4000000 }'
		echo 'kprobe:bpf_check { @seq[tid] = 0; }'
		{
			sed -n 's/^hook [a-z_]*: attached \([a-z]*\) \([^ ]*\) hits=.*/\1 \2/p' $D/status
			sed -n 's/^hook acquire: attached [a-z]* \([^ ]*\) hits=.*/kretprobe \1/p' $D/status
			grep -q '^hook push: not needed' $D/status && echo kretprobe push_stack
		} | awk '{ if ($1 == "kretprobe" || !($2 in k)) k[$2] = $1 } END { for (s in k) print k[s], s }' |
		sort | while read -r kind sym; do
				echo "kprobe:$sym { @ev[tid, @seq[tid]] = (nsecs, \"$sym\", arg0); @seq[tid]++; }"
				[ $kind != kretprobe ] ||
					echo "kretprobe:$sym { @ev[tid, @seq[tid]] = (nsecs, \"$sym\", retval); @seq[tid]++; }"
			done
		echo 'END { clear(@ev); clear(@seq); }'
	} >$R/diag.bt
	BT=yes
	say "bpftrace $(bpftrace --version | cut -d' ' -f2): $(grep -c probe: $R/diag.bt) probes"
else
	say "no bpftrace in this guest image (scripts/bench adds it): bpftrace not measured"
fi
rmmod bpf_diag

# ---- the configurations
measure() { # SET LEVEL: "OBJ[:PROG] instructions" per object, then the total
	local o p n t=0
	if [ $1 = corpus ]; then
		for o in $PROGS/*.bpf.o; do
			n=$(load_ns -l $2 $o)
			echo "${o##*/} ${n:-0}"
			t=$((t + ${n:-0}))
		done
	else
		while read -r o p; do
			n=$(load_ns -l $2 -p $p $o)
			echo "${o##*/}:$p ${n:-0}"
			t=$((t + ${n:-0}))
		done <$R/heavy
	fi
	echo "total $t"
}
hits() { # CONFIG: every hook's hits of the last measurement
	sed -n 's/^hook \([a-z_]*\): attached [a-z]* [^ ]* hits=\([0-9]*\).*/\1 \2/p' $D/status >$R/hits.$1
}
config() { # ROUND NAME
	local r=$1 name=$2 s lvl=0 pid n sets="corpus heavy"
	# a role's share is measured on the corpus (the heavy set's loads are
	# the long ones, and its hits are the corpus's kinds of hits)
	case $name in no_*|kprobes|idle) sets=corpus ;; esac
	for s in $sets; do
		rmmod bpf_diag 2>/dev/null
		case $name in
		off) ;;
		log1) lvl=1 ;;
		log2) lvl=2 ;;
		nowalk) diag_on max_walk=0 ;;
		nolineage) diag_on lineage=0 ;;
		all) diag_on ;;
		idle) diag_on && echo disable >$D/control ;;
		kprobes) diag_on ftrace=0 ;;
		no_*) diag_on deny_hooks=${name#no_} ;;
		bpftrace)
			bpftrace $R/diag.bt >$R/bt.out 2>&1 &
			pid=$!
			# attached when it says so (its LLVM start-up is slow here)
			for i in $(seq 600); do grep -q "^Attached\|^Attaching" $R/bt.out && break; sleep 1; done
			grep -q "^Attached\|^Attaching" $R/bt.out || { cat $R/bt.out; kill $pid; return; }
			sleep 2
			;;
		esac
		measure $s $lvl >$R/m
		n=$(sed -n 's/^total //p' $R/m)
		echo "$n" >>$R/$s.$name
		sed "/^total /d; s/^/$r /" $R/m >>$R/$s.$name.objs
		say "round $r $s $name $n"
		[ $r != $ROUNDS ] || [ "$name" != all ] || hits $s
		[ $name != bpftrace ] || { kill -INT $pid; wait $pid; }
	done
}
CONFIGS="off all idle kprobes nowalk nolineage $(for r in $ROLES; do printf "no_%s " $r; done)log1 log2"
[ $BT = no ] || CONFIGS="$CONFIGS bpftrace"
[ -z "$ONLY" ] || CONFIGS=$ONLY
for r in $(seq $ROUNDS); do
	say "round $r: $CONFIGS"
	for c in $CONFIGS; do config $r $c; done
done
rmmod bpf_diag 2>/dev/null

# counted rounds (2..N): the sum of each object's median, and how far
# apart the rounds' totals are
stat() { # SET.CONFIG: "instructions spread%"
	awk '$1 > 1 { v[$2] = v[$2] " " $3 }
		END { for (o in v) { n = split(substr(v[o], 2), a, " ")
			  for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			  s += n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		      if (length(v)) printf "%.0f", s; else printf "-" }' $1.objs
	tail -n +2 $1 | awk '{ s += $1; if (!n++ || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
		END { if (n < 2) print " -"; else printf " %.4f\n", (hi - lo) * 100 / (s / n) }'
}
echo "kernel $(uname -r): instructions per load of the set: the sum of each object's median over rounds 2-$ROUNDS (round 1 warms up); spread: of the rounds' totals"
for s in corpus heavy; do
	set -- $(stat $R/$s.off)
	off=$1
	printf "%-8s %-22s %16s %10s %9s %s\n" set config instructions ratio spread% per_hit
	for c in $CONFIGS; do
		[ -s $R/$s.$c ] || continue
		set -- $(stat $R/$s.$c)
		ph=
		case $c in
		no_*)	# the role's share over its hits in the all configuration
			h=$(sed -n "s/^${c#no_} //p" $R/hits.$s 2>/dev/null)
			set -- $1 $2 $(stat $R/$s.all)
			[ "${h:-0}" -gt 0 ] && ph=$(awk -v a=$3 -v b=$1 -v h=$h \
				'BEGIN { printf "%.0f insns x %d hits", (a - b) / h, h }') ;;
		esac
		printf "%-8s %-22s %16s %10s %9s %s\n" $s $c $1 \
			$(awk -v a=$1 -v b=$off 'BEGIN { printf "%.5f", a / b }') $2 "$ph"
	done
done

# ---- memory as stored
diag_on
sed -n 's/^record bytes: /# record bytes: /p' $D/status
for o in $PROGS/*.bpf.o; do bpf-diag-load -q -l 0 $o; done
bpf-diag-load -q -l 0 -p big_full $BIG
# the corpus programs' envs (not libbpf's feature probes) and big_full's
awk 'NR == FNR { mine[$1] = 1; next }
	/^env=/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	if (v["prog"] == "big_full") { bb = v["bytes"]; be = v["events"]; bp = v["paths"]; next }
	if (!(v["prog"] in mine)) next
	n++; b += v["bytes"]; e += v["events"]; p += v["paths"] }
	END { printf "# memory: %d corpus envs, %d events, %d paths in %d bytes: %.0f bytes per env\n", n, e, p, b, b / n
	      printf "# memory: big_full: %d events, %d paths in %d bytes: %.1f bytes per event\n", be, bp, bb, bb / be }' $R/names $D/envs
rmmod bpf_diag

# ---- reader cost: envs of about 1k, 10k and 100k events
[ -z "$ONLY" ] || exit 0
diag_on
bpf-diag-load -q -l 0 -p big_k1 -p big_k10 -p big_k100 $BIG
echo "# reader cost (instructions to read the whole file for one env; icount)"
printf "# %-12s %8s %12s %14s %12s\n" file events bytes instructions per_event
grep -e " prog=big_k1 " -e " prog=big_k10 " -e " prog=big_k100 " $D/envs >$R/big_envs
for p in big_k1 big_k10 big_k100; do
	e=$(grep " prog=$p " $R/big_envs)
	n=$(echo "$e" | sed 's/.* events=\([0-9]*\) .*/\1/')
	env=$(echo "$e" | sed 's/^env=\([0-9]*\) .*/\1/')
	for f in events report report.json; do
		python3 -c '
import sys, time
d, f, env, n = sys.argv[1:]
open(d + "/filter", "w").write("env=%s\n" % env)
t = time.monotonic_ns()
size = 0
with open(d + "/" + f, "rb") as fh:
    while True:
        b = fh.read(1 << 16)
        if not b:
            break
        size += len(b)
t = time.monotonic_ns() - t
print("# %-12s %8s %12d %14d %12.0f" % (f, n, size, t, t / int(n)))
' $D $f $env $n
	done
done
echo clear >$D/filter
rmmod bpf_diag
