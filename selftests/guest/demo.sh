#!/bin/sh
# Guest side of `make demo`.
D=/sys/kernel/debug/bpf_diag
echo "### kernel $(uname -r), bpf_diag loaded:"
grep -E '^(version|kernel|hook|strategy)' $D/status
echo
echo "### loading a program that leaks a socket reference (selftests/progs/sock.bpf.c: sock_leak)"
bpf-diag-load -p sock_leak -o /tmp /opt/bpf_diag/progs/sock.bpf.o
echo "### the verifier says:"
tail -n 3 /tmp/sock_leak.log
for f in envs events report; do
	[ -r $D/$f ] || continue
	echo
	echo "### cat $D/$f"
	cat $D/$f
done
