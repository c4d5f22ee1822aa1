#!/usr/bin/env python3
# Guest-side checks of bpf_diag's reports against the verifier's own log.
#   report_check.py srclines LOGDIR PROG...   report lines vs log line info
#   report_check.py branch LOG PROG           one-branch leak report
#   report_check.py json                      report.json vs events
#   report_check.py fuzz N                    N malformed filter writes
# Prints what it found; exit 1 on a mismatch.
import errno
import json
import os
import random
import re
import sys

D = "/sys/kernel/debug/bpf_diag/"
AT = re.compile(r"^\s+at insn (\d+) (.+?):(\d+):(\d+): (.*)$")


def read(name):
    with open(D + name) as f:
        return f.read()


def set_filter(text):
    fd = os.open(D + "filter", os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def log_lineinfo(path):
    """insn -> (FILE:LINE, TEXT) from the '; TEXT @ FILE:LINE' lines
    (FILE:LINE None where the kernel prints '; TEXT' only, as 6.1 does)."""
    where, out = None, {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("; ") and " @ " in line:
                text, _, loc = line[2:].rpartition(" @ ")
                where = (loc, text)
                continue
            if line.startswith("; "):
                where = (None, line[2:])
                continue
            m = re.match(r"^(\d+): \(", line)
            if m and where and int(m.group(1)) not in out:
                out[int(m.group(1))] = where
    return out


def same_text(ours, theirs):
    if ours.endswith("..."):
        return theirs.startswith(ours[:-3])
    return ours == theirs


def srclines(logdir, progs):
    bad = checked = 0
    for prog in progs:
        li = log_lineinfo(os.path.join(logdir, prog + ".log"))
        set_filter("prog=%s" % prog[:15])
        for line in read("report").splitlines():
            m = AT.match(line)
            if not m:
                continue
            insn, loc = int(m.group(1)), "%s:%s" % (m.group(2), m.group(3))
            checked += 1
            if insn not in li:
                print("%s: insn %d: report says %s, log has no line info" % (prog, insn, loc))
                bad += 1
            elif li[insn][0] not in (None, loc) or not same_text(m.group(5), li[insn][1]):
                print("%s: insn %d: report %s '%s', log %s '%s'"
                      % (prog, insn, loc, m.group(5), li[insn][0], li[insn][1]))
                bad += 1
    set_filter("clear")
    print("%d report lines checked against the verifier's line info, %d differ" % (checked, bad))
    return bad == 0 and checked > 0


def branch(log, prog):
    li = log_lineinfo(log)
    text = open(log).read()
    m = re.search(r"Unreleased reference id=(\d+) alloc_insn=(\d+)", text)
    if not m:
        print("no leak in the log")
        return False
    lid, ainsn = m.group(1), int(m.group(2))
    set_filter("prog=%s leaked" % prog)
    rep = read("report")
    set_filter("clear")
    print(rep)
    head = "Resource Lifetime Safety: unreleased reference id=%s (alloc_insn=%d)" % (lid, ainsn)
    if head not in rep:
        print("missing: " + head)
        return False
    # the failing path's entries: up to its lineage ("where it went") and suggestion
    failing = rep.split("on the path that failed")[1].split("on other paths")[0]
    failing = failing.split("    where it went")[0].split("    suggestion:")[0]
    other = rep.split("on other paths")[1] if "on other paths" in rep else ""
    ok = True
    acq = "acquired owned resource (id=%s)" % lid
    if acq not in failing:
        print("the failing path does not show the acquire")
        ok = False
    if ainsn not in li:
        print("the log has no line info for insn %d" % ainsn)
        return False
    # FILE:LINE where the log has it (not 6.1's), the text always
    want = "at insn %d %s" % (ainsn, li[ainsn][0] + ":" if li[ainsn][0] else "")
    if want not in failing or li[ainsn][1] not in failing:
        print("the acquisition's source line is not '%s ... %s'" % (want, li[ainsn][1]))
        ok = False
    if "leaked: still held at program exit" not in failing:
        print("the leak site is not shown on the failing path")
        ok = False
    if "released" in failing:
        print("a release is presented as part of the failing path")
        ok = False
    if "released owned resource (id=%s)" % lid not in other:
        print("the release on the other branch is not shown apart")
        ok = False
    return ok


def json_vs_events():
    envs = json.loads(read("report.json"))
    ev = {}
    for line in read("events").splitlines():
        kv = dict(w.split("=", 1) for w in line.split())
        ev.setdefault(int(kv["env"]), []).append(
            (int(kv["insn"]), kv["kind"], int(kv["id"])))
    bad = n = 0
    for e in envs:
        mine = [(x["insn"], x["kind"], x["id"]) for x in e["events"]]
        n += len(mine)
        if mine != ev.get(e["env"], []):
            print("env %d: json %s, events %s" % (e["env"], mine, ev.get(e["env"])))
            bad += 1
        for k in ("env", "prog", "type", "pid", "comm", "verdict", "err", "dropped", "complete"):
            if k not in e:
                print("env %d: no field %s" % (e["env"], k))
                bad += 1
    missing = set(ev) - set(e["env"] for e in envs)
    if missing:
        print("envs in events but not in report.json: %s" % sorted(missing))
        bad += 1
    print("report.json: %d envs, %d events, %d mismatches" % (len(envs), n, bad))
    return bad == 0 and n > 0


def fuzz(count):
    rnd = random.Random(1234)
    keys = ["env", "prog", "ref", "pid", "comm", "verdict", "leaked", "locks", "clear",
            "bogus", "", "=", "prog*", "path"]
    good = bad = 0
    set_filter("prog=sock_leak")
    for i in range(count):
        r = rnd.random()
        if r < 0.25:
            data = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 64)))
        elif r < 0.35:
            data = b"prog=" + b"x" * rnd.randint(400, 5000)
        elif r < 0.7:
            toks = []
            for _ in range(rnd.randint(1, 6)):
                k = rnd.choice(keys)
                v = rnd.choice(["", "1", "0", "-1", "99999999999999999999999", "sock_*",
                                "a b", "accepted", "rejected", "\x00", "%s", "*", "x" * 20])
                toks.append(k + ("=" + v if rnd.random() < 0.8 else ""))
            data = " ".join(toks).encode(errors="replace")
        elif r < 0.85:
            full = rnd.choice([b"prog=sock_leak leaked", b"env=3 ref=2", b"verdict=rejected pid=1"])
            data = full[: rnd.randint(0, len(full))]
        else:
            data = rnd.choice([b"clear", b"", b"\n", b"locks", b"leaked leaked", b"ref=0"])
        fd = os.open(D + "filter", os.O_WRONLY)
        try:
            os.write(fd, data)
            good += 1
        except OSError as e:
            if e.errno != errno.EINVAL:
                print("write %r: unexpected error %s" % (data[:40], e))
                return False
            bad += 1
        finally:
            os.close(fd)
        cur = read("filter")
        if not cur.strip():
            print("empty filter read back after %r" % data[:40])
            return False
    # a malformed write keeps the filter in force
    set_filter("prog=sock_leak")
    try:
        set_filter("prog=sock_leak bogus=1")
    except OSError:
        pass
    kept = [l for l in read("filter").splitlines() if not l.startswith("#")] == ["prog=sock_leak"]
    err = [l for l in read("filter").splitlines() if l.startswith("# error: unknown key")]
    set_filter("clear")
    print("%d writes: %d accepted, %d refused with EINVAL; old filter kept: %s; error shown: %s"
          % (count, good, bad, kept, bool(err)))
    return kept and bool(err) and bad > 0 and good > 0


def main():
    cmd = sys.argv[1]
    if cmd == "srclines":
        ok = srclines(sys.argv[2], sys.argv[3:])
    elif cmd == "branch":
        ok = branch(sys.argv[2], sys.argv[3])
    elif cmd == "json":
        ok = json_vs_events()
    elif cmd == "fuzz":
        ok = fuzz(int(sys.argv[2]))
    else:
        sys.exit("unknown command " + cmd)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
