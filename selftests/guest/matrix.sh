#!/bin/sh
# Guest side of scripts/bpf-diag-matrix: every program of every object
# given is loaded alone (log level 1, libbpf's warnings kept), and for each
# the loader's result, the verifier's own verdict as bpf_diag recorded it
# (its env: bpf_check()'s return, whatever libbpf did after) and the
# verifier log's last lines are printed; per object, bpf_diag's envs,
# report and report.json.  Line protocol (read by the host):
#   @@KERNEL RELEASE
#   @@PROG obj=O prog=P load=accepted|rejected lerr=N
#   @@LOG / @@LIBBPF lines of that program (log tail, libbpf's warnings)
#   @@OBJERR obj=O MESSAGE         the object could not be opened
#   @@BEGIN O FILE ... @@END       a debugfs file, filtered to these loads
#   @@BEGIN O PROG.log2 ... @@END  -g: a rejected program's level-2 log
#                                  (loaded again after the files above)
#
#   matrix.sh [-g] OBJ...
D=/sys/kernel/debug/bpf_diag
COMM=bpf-diag-matrix
L=/tmp/matrix
export PATH=/opt/bpf_diag/bin:$PATH
graphs=
[ "$1" = -g ] && graphs=1 && shift
echo "@@KERNEL $(uname -r)"
grep "^recording:" $D/status | sed 's/^/@@STATUS /'
for obj; do
	b=$(basename "$obj")
	rm -rf $L && mkdir -p $L/logs && : >$L/verdicts
	if ! bpf-diag-load -L "$obj" >$L/progs 2>$L/err; then
		echo "@@OBJERR obj=$b $(tr '\n' ' ' <$L/err)"
		continue
	fi
	echo clear >$D/control
	echo clear >$D/filter
	while read -r p; do
		BPF_DIAG_LOAD_VERBOSE=1 bpf-diag-load -l 1 -o $L/logs -c $COMM -p "$p" "$obj" \
			>$L/out 2>$L/err
		cat $L/out >>$L/verdicts
		r=$(sed -n 's/^prog=[^ ]* verdict=\([a-z]*\) err=\(-*[0-9]*\)$/load=\1 lerr=\2/p' $L/out)
		echo "@@PROG obj=$b prog=$p ${r:-load=none lerr=0}"
		# the verifier's last words: its log without the statistics lines
		# and the kernel's own report (7.3 and later: its sections and
		# their indented lines, passed on whole as @@KREP below)
		grep -v -e '^processed [0-9]* insns' -e '^verification time' \
			-e '^stack depth' -e '^$' -e '^ ' -e '^Verification failed: ' \
			-e '^Reason:$' -e '^At:$' -e '^Causal path:$' -e '^Suggestion:$' \
			$L/logs/"$p".log 2>/dev/null | tail -n 3 | sed 's/^/@@LOG /'
		grep -i -e 'libbpf' -e 'error' -e 'fail' $L/err | tail -n 3 | sed 's/^/@@LIBBPF /'
		# the kernel's own leak reports (7.3 and later), for the host to compare
		sed -n '/^Verification failed: Resource Lifetime Safety: Unreleased resource/,$p' \
			$L/logs/"$p".log 2>/dev/null | sed 's/^/@@KREP /'
	done <$L/progs
	echo "comm=$COMM" >$D/filter
	for f in envs report report.json; do
		echo "@@BEGIN $b $f"
		cat $D/$f
		echo "@@END"
	done
	echo clear >$D/filter
	# for the graphs: the walk of every rejected program, at level 2
	[ -n "$graphs" ] || continue
	mkdir -p $L/logs2
	while read -r p; do
		grep -q "^prog=$p verdict=rejected" $L/verdicts 2>/dev/null || continue
		bpf-diag-load -l 2 -o $L/logs2 -c bpf-diag-graph -p "$p" "$obj" >/dev/null 2>&1
		echo "@@BEGIN $b $p.log2"
		cat $L/logs2/"$p".log 2>/dev/null
		echo "@@END"
	done <$L/progs
done
echo "@@DONE"
