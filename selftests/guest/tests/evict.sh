# The readers' walk over the store (issue: real machines, point 4): a
# reader whose env was evicted while it read finds its next env in a
# bounded walk.  Envs leave the store oldest finished first, so only the
# verifications in flight can be older than an evicted one; the walk must
# not go over the whole store with IRQs off while every verifying CPU
# spins on bd_lock.  Run under QEMU's icount (host-tests: vmtest --icount
# --smp 1), where a nanosecond of lock hold is an executed instruction.
EVICT_ENVS=${EVICT_ENVS:-20000}

t_evict_reader() {
	local holds slow
	reload max_envs=$EVICT_ENVS max_bytes=$((512 << 20)) || { fail_msg "insmod failed"; return; }
	# a store of EVICT_ENVS envs, then a reader on the newest one
	bpf-diag-load -q -F $EVICT_ENVS
	python3 - $EVICT_ENVS <<'PY' || fail_msg "the slow reader failed"
import os, subprocess, sys
n = int(sys.argv[1])
f = os.open("/sys/kernel/debug/bpf_diag/report", os.O_RDONLY)
first = os.read(f, 200)      # stands on the newest env
# every env in the store is evicted under the reader's feet
subprocess.run(["bpf-diag-load", "-q", "-F", str(n + 10)], check=True)
rest = b""
while True:
    b = os.read(f, 65536)
    if not b:
        break
    rest += b
print("# read %d + %d bytes across the evictions" % (len(first), len(rest)))
PY
	echo "# $(counter envs) envs, $(counter envs_evicted) evicted; $(grep '^lock ' $D/status | tr '\n' ';')"
	holds=$(sed -n 's/^lock holds: //p' $D/status)
	[ -n "$holds" ] || { fail_msg "status has no lock holds line"; return; }
	slow=$(echo "$holds" | sed -n 's/.*<1ms \([0-9]*\), >=1ms \([0-9]*\).*/\1 \2/p')
	[ "$slow" = "0 0" ] || fail_msg "bd_lock held 100 us or more (icount: 100,000 instructions): $holds"
	[ "$(counter envs_evicted)" -ge "$EVICT_ENVS" ] || fail_msg "the store did not evict what the reader stood on"
	reload
}

group_evict() {
	check "evict: a reader whose env is evicted walks on without holding bd_lock 100 us" t_evict_reader
}
