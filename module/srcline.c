// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: source lines.  The program's line info maps an instruction to
 * the record the verifier itself prints as "; TEXT @ FILE:LINE"; the
 * record is copied into the env once (store.c hashes them by record).
 * The program's BTF strings are read as btf_name_by_offset() reads them
 * (not exported): through the members of struct btf, private to
 * kernel/bpf/btf.c, at the offsets the running kernel's BTF gives
 * (fields.c); its types with btf_type_by_id(), which is exported.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf.h>
#include "ctx.h"
#include "hook.h"

static bool src_ok;

/* Start-up, the fields checked: can a program's strings be read? */
void bd_srcline_init(void)
{
	src_ok = bd_fields_ok(BD_R_SRC);
}

/* String @off of the program's @btf, as btf_str_by_offset() finds it. */
static const char *btf_str(const struct btf *btf, u32 off)
{
	const char *b;
	u32 start;
	int hops;

	for (hops = 0; btf && hops < 4; hops++) {
		b = (const char *)btf;
		start = *(const u32 *)(b + bd_off[BD_F_btf__start_str_off]);
		if (off < start) {
			btf = *(const struct btf * const *)(b + bd_off[BD_F_btf__base_btf]);
			continue;
		}
		off -= start;
		if (off >= *(const u32 *)(b + bd_off[BD_F_btf__hdr_str_len]))
			return NULL;
		return *(const char * const *)(b + bd_off[BD_F_btf__strings]) + off;
	}
	return NULL;
}

NOKPROBE_SYMBOL(btf_str);

/* @src into @dst, cut to "...": strscpy() says when it cut */
static void copy_str(char *dst, const char *src, size_t len)
{
	if (strscpy(dst, src ? src : "", len) < 0 && len > 4)
		strscpy(dst + len - 4, "...", 4);
}

NOKPROBE_SYMBOL(copy_str);

/*
 * The last of @n records of @size bytes, sorted by insn_off (their first
 * member: line info and func info alike), that starts at or before @insn;
 * -1 if none does.
 */
static s32 last_at(const void *recs, u32 n, size_t size, u32 insn)
{
	u32 l = 0, r, m;

	static_assert(offsetof(struct bpf_line_info, insn_off) == 0);
	static_assert(offsetof(struct bpf_func_info, insn_off) == 0);
	if (!recs || !n)
		return -1;
	for (r = n - 1; l < r;) {
		m = l + (r - l + 1) / 2;
		if (*(const u32 *)(recs + m * size) <= insn)
			l = m;
		else
			r = m - 1;
	}
	return *(const u32 *)(recs + l * size) <= insn ? l : -1;
}

NOKPROBE_SYMBOL(last_at);

/*
 * The subprogram @insn is in, from the program's BTF func info (one record
 * per subprogram, by start insn, as check_btf_func() validated them): its
 * start and its FUNC's name.  With the start, a tool maps a loaded insn
 * back to the object's own code (bpf-diag-matrix's inline chains).
 */
static void func_of(const struct bpf_prog_aux *aux, s32 insn, struct bd_src *s)
{
	const struct bpf_func_info *fi = BD_RD(aux, bpf_prog_aux, func_info);
	s32 l = last_at(fi, BD_RD(aux, bpf_prog_aux, func_info_cnt), sizeof(*fi), insn);
	const struct btf *btf = BD_RD(aux, bpf_prog_aux, btf);
	const struct btf_type *t;

	s->func_insn = -1;
	if (l < 0)
		return;
	s->func_insn = fi[l].insn_off;
	t = btf_type_by_id(btf, fi[l].type_id);
	copy_str(s->func, t ? btf_str(btf, t->name_off) : "", sizeof(s->func));
}

NOKPROBE_SYMBOL(func_of);

/*
 * The program's name as its source spells it: the BTF FUNC of func info
 * record 0 (insn 0, the main program, as check_btf_func() requires), where
 * the kernel's name is a 15-character start of it (libbpf cuts names to
 * BPF_OBJ_NAME_LEN - 1); otherwise the kernel's name stays, so a loader's
 * own name is never replaced.  Called at do_check_common(): the func info
 * is read by then.  Once per env.
 */
void bd_src_prog_name(struct bd_ctx *c)
{
	struct bd_env *e = c->rec;
	const struct bpf_prog_aux *aux;
	const struct bpf_func_info *fi;
	const struct btf_type *t;
	const struct btf *btf;
	const char *n;

	if (!src_ok || !e || e->name_set || strlen(e->prog) != BPF_OBJ_NAME_LEN - 1)
		return;
	aux = BD_RD(bd_prog(c->env), bpf_prog, aux);
	fi = BD_RD(aux, bpf_prog_aux, func_info);
	btf = BD_RD(aux, bpf_prog_aux, btf);
	if (!fi || !btf || !BD_RD(aux, bpf_prog_aux, func_info_cnt) || fi[0].insn_off)
		return;
	t = btf_type_by_id(btf, fi[0].type_id);
	n = t ? btf_str(btf, t->name_off) : NULL;
	if (!n || strncmp(n, e->prog, BPF_OBJ_NAME_LEN - 1) || !n[BPF_OBJ_NAME_LEN - 1])
		return;
	copy_str(e->name, n, sizeof(e->name));
	/* pairs with the smp_load_acquire() in bd_env_name() */
	smp_store_release(&e->name_set, true);
}

NOKPROBE_SYMBOL(bd_src_prog_name);

/*
 * The program's line-info record covering @insn, as the verifier finds it
 * for its "; TEXT @ FILE:LINE" annotations, copied into the env's record.
 */
u16 bd_src_of(struct bd_ctx *c, s32 insn)
{
	struct bpf_prog *prog = bd_prog(c->env);
	const struct bpf_prog_aux *aux = BD_RD(prog, bpf_prog, aux);
	const struct bpf_line_info *li;
	const struct btf *btf;
	u32 k = insn & (BD_SRC_CACHE - 1), nr;
	struct bd_src s;
	const char *p;
	u16 slot;
	s32 l;

	if (insn < 0 || !c->rec)
		return BD_NO_SRC;
	if (c->src_insn[k] == insn)
		return c->src_slot[k];
	if (!src_ok || insn >= BD_RD(prog, bpf_prog, len))
		return BD_NO_SRC;
	li = BD_RD(aux, bpf_prog_aux, linfo);
	nr = BD_RD(aux, bpf_prog_aux, nr_linfo);
	btf = BD_RD(aux, bpf_prog_aux, btf);
	if (!nr || !li || !btf) {
		c->rec->no_linfo = true;
		return BD_NO_SRC;
	}
	l = last_at(li, nr, sizeof(*li), insn);
	if (l < 0)
		return BD_NO_SRC;
	slot = bd_env_src_find(c->rec, l);
	if (slot != BD_NO_SRC)
		goto found;
	memset(&s, 0, sizeof(s));
	s.linfo = l;
	s.insn_off = li[l].insn_off;
	s.line = BPF_LINE_INFO_LINE_NUM(li[l].line_col);
	s.col = BPF_LINE_INFO_LINE_COL(li[l].line_col);
	p = btf_str(btf, li[l].file_name_off);
	copy_str(s.file, p ? kbasename(p) : "", sizeof(s.file));
	p = btf_str(btf, li[l].line_off);
	copy_str(s.text, p ? skip_spaces(p) : "", sizeof(s.text));
	func_of(aux, insn, &s);
	slot = bd_env_src_add(c->rec, &s);
	if (slot == BD_NO_SRC)
		return slot;
found:
	c->src_insn[k] = insn;
	c->src_slot[k] = slot;
	return slot;
}

NOKPROBE_SYMBOL(bd_src_of);

bool bd_source_lines(void)
{
	return src_ok;
}
