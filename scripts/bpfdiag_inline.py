# SPDX-License-Identifier: GPL-2.0
"""Inline chains for bpf_diag's events, from the object's own DWARF.

The verifier's line info names the line an instruction came from, which
for a static inline helper is the helper's body: the same line for every
call.  DWARF knows more: the chain of inlined calls that led there.  An
event's insn is an index into the *loaded* program (libbpf appends called
subprograms after the main one), so it is mapped back to the object first:
bpf_diag's report.json gives the insn's BTF function and that function's
first insn (the verifier's func info), the ELF symbol of that function
gives its section and offset, and

    section offset = symbol value + 8 * (insn - function's first insn)

DWARF (llvm-dwarfdump from the sid build root, whose verbose output names
each address's section: BPF objects are relocatable, every code section
starts at address 0) then gives the subprogram and the inlined calls whose
ranges hold that offset, and each inlined call's call site.
"""
import functools
import os
import re
import shutil
import struct
import subprocess
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


# Both read an object once per run: bpf-diag-matrix asks per program and kernel.
@functools.lru_cache(maxsize=None)
def elf_layout(path):
    """(function symbols {name: (section, value)}, has DWARF) of a
    little-endian ELF64 relocatable object."""
    with open(path, "rb") as f:
        d = f.read()
    if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
        return {}, False
    shoff, = struct.unpack_from("<Q", d, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 0x3a)
    secs = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize) for i in range(shnum)]

    def cstr(off):
        return d[off:d.index(b"\0", off)].decode(errors="replace")
    shstr = secs[shstrndx][4]
    names = [cstr(shstr + s[0]) for s in secs]
    funcs = {}
    for s in secs:
        if s[1] != 2:		# SHT_SYMTAB
            continue
        strtab = secs[s[6]][4]
        for off in range(s[4], s[4] + s[5], s[9] or 24):
            name, info, _, shndx, value, _ = struct.unpack_from("<IBBHQQ", d, off)
            if info & 0xf == 2 and 0 < shndx < shnum:	# STT_FUNC
                funcs.setdefault(cstr(strtab + name), (names[shndx], value))
    return funcs, ".debug_info" in names


DIE = re.compile(r"^0x([0-9a-f]+):\s+(DW_TAG_\w+)[^(]*(?:\((0x[0-9a-f]+)\))?")
RANGE = re.compile(r"\[0x([0-9a-f]+), 0x([0-9a-f]+)\) \"(.+)\"")


@functools.lru_cache(maxsize=None)
def dies(path):
    """The object's subprogram and inlined-subroutine DIEs, from
    llvm-dwarfdump -v (which names each address's section): a list of
    {name, parent, ranges [(section, lo, hi)], call "file:line"}."""
    root = os.path.join(os.environ.get("BPF_DIAG_CACHE", "/var/cache/bpf_diag"), "roots/sid")
    tmp = tempfile.mkdtemp(dir=os.path.join(root, "tmp"))
    try:
        shutil.copy(path, os.path.join(tmp, "obj.o"))
        r = subprocess.run([os.path.join(TOP, "scripts/inroot"), "sid", "llvm-dwarfdump",
                            "--debug-info", "-v", "/tmp/%s/obj.o" % os.path.basename(tmp)],
                           capture_output=True, text=True, errors="replace")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out, cur, attr, parents = [], None, None, {}
    for line in r.stdout.splitlines():
        m = DIE.match(line)
        if m:
            parents[m.group(1)] = m.group(3)[2:] if m.group(3) else None
            cur = None
            if m.group(2) in ("DW_TAG_subprogram", "DW_TAG_inlined_subroutine"):
                cur = {"off": m.group(1), "name": "?", "ranges": [], "call": None,
                       "lo": None, "len": None, "hi": None}
                out.append(cur)
            attr = None
            continue
        if cur is None:
            continue
        t = line.strip()
        if t.startswith("DW_AT_"):
            attr = t.split()[0]
            q = re.findall(r'"([^"]*)"', t)
            if attr in ("DW_AT_name", "DW_AT_abstract_origin", "DW_AT_specification") and q:
                if cur["name"] == "?" or attr == "DW_AT_name":
                    cur["name"] = q[-1]
            elif attr == "DW_AT_low_pc":
                a = re.search(r"address = 0x([0-9a-f]+) \"(.+)\"", t)
                if a:
                    cur["lo"] = (a.group(2), int(a.group(1), 16))
            elif attr == "DW_AT_high_pc":
                v = re.search(r"\((?:.*address = )?0x([0-9a-f]+)", t)
                if v:
                    cur["len" if "DW_FORM_data" in t else "hi"] = int(v.group(1), 16)
            elif attr == "DW_AT_call_file" and q:
                cur["call"] = q[0]
            elif attr == "DW_AT_call_line":
                v = re.search(r"\((\d+)\)", t)
                cur["call"] = "%s:%s" % (cur["call"], v.group(1) if v else "?")
        elif attr == "DW_AT_ranges":
            for a in RANGE.finditer(t):
                cur["ranges"].append((a.group(3), int(a.group(1), 16), int(a.group(2), 16)))
    for d in out:
        d["parent"] = parents.get(d["off"])
        if d["lo"]:
            sec, lo = d["lo"]
            hi = lo + d["len"] if d["len"] is not None else d["hi"]
            if hi is not None:
                d["ranges"].append((sec, lo, hi))
    return out, parents


def frames_at(tree, sec, off):
    """The DIEs holding (section, offset), outermost first."""
    found, parents = tree
    hits = [d for d in found if any(s == sec and lo <= off < hi for s, lo, hi in d["ranges"])]

    def depth(d):
        n, p = 0, d["parent"]
        while p:
            n, p = n + 1, parents.get(p)
        return n
    return sorted(hits, key=depth)


def chain_text(frames, where):
    """DIEs outermost first, the event's own FILE:LINE -> "in f() at x.c:12,
    inlined from g() at x.c:24" """
    if not frames:
        return ""
    parts = ["in %s() at %s" % (frames[-1]["name"], where)]
    for inner, outer in zip(reversed(frames), list(reversed(frames))[1:]):
        parts.append("inlined from %s() at %s" % (outer["name"], os.path.basename(inner["call"])))
    return ", ".join(parts)


def chains(path, events):
    """bpf_diag report.json events of one env -> {insn: chain text} for those
    whose src names their function (func, func_insn: bpf_diag 0.3.1 on)."""
    funcs, dwarf = elf_layout(path)
    if not dwarf:
        return {}
    tree, res = None, {}
    for ev in events:
        src = ev.get("src") or {}
        if src.get("func") not in funcs:
            continue
        if tree is None:
            tree = dies(path)
        sec, value = funcs[src["func"]]
        frames = frames_at(tree, sec, value + 8 * (ev["insn"] - src["func_insn"]))
        res[ev["insn"]] = chain_text(frames, "%s:%s" % (src["file"], src["line"]))
    return res
