#!/bin/sh
# Guest side of `make demo`: a program that leaks a socket reference on one
# branch, what the verifier says, and what bpf_diag shows.
D=/sys/kernel/debug/bpf_diag
echo "### kernel $(uname -r); bpf_diag status:"
grep -E '^(version|layout|hook|recording|source)' $D/status
echo
echo "### loading rep_branch_leak (selftests/progs/report.bpf.c):"
bpf-diag-load -l 1 -o /tmp -p rep_branch_leak /opt/bpf_diag/progs/report.bpf.o
echo
echo "### the verifier says (last lines of its log):"
tail -n 3 /tmp/rep_branch_leak.log
echo
echo '### echo "prog=rep_branch_leak leaked" > /sys/kernel/debug/bpf_diag/filter'
echo "prog=rep_branch_leak leaked" >$D/filter
echo "### cat /sys/kernel/debug/bpf_diag/report"
cat $D/report
echo "### cat /sys/kernel/debug/bpf_diag/events"
cat $D/events
echo "### cat /sys/kernel/debug/bpf_diag/envs"
cat $D/envs
