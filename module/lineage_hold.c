// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the lineage's holders (lineage.c): the registers and stack
 * slots that hold a leaked reference during the replay, the steps that
 * record their changes, what the verifier's state holds at the leak, and
 * what the kernel's helpers and kfuncs do with a reference (read at load:
 * enum bpf_stack_slot_type, the iterators' constructors, dynptr slices).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf.h>
#include "hook.h"
#include "layout.h"
#include "lineage.h"

/* enum bpf_stack_slot_type, as the kernel's BTF gives it (-1: none) */
static s32 stack_spill = -1, stack_dynptr = -1, stack_iter = -1;
/* BTF ids of the kfuncs whose result carries a dynptr's ref_obj_id */
static s32 slice_kfunc[2];
/* BTF ids of the iterators' constructors, bpf_iter_*_new() (read at load) */
#define L_ITERS	64
static s32 iter_new[L_ITERS];
static int nr_iter_new;

int lin_slot_find(const struct holders *h, u32 f, s32 off)
{
	int k;

	for (k = 0; k < h->n; k++)
		if (h->sf[k] == f && h->so[k] == off)
			return k;
	return -1;
}

NOKPROBE_SYMBOL(lin_slot_find);

void lin_slot_add(struct holders *h, u32 f, s32 off, bool obj)
{
	if (h->n == LSLOTS) {
		h->full = true;
		return;
	}
	h->sf[h->n] = f;
	h->so[h->n] = off;
	h->obj[h->n++] = obj;
}

NOKPROBE_SYMBOL(lin_slot_add);

void lin_slot_del(struct holders *h, int k)
{
	h->n--;
	h->sf[k] = h->sf[h->n];
	h->so[k] = h->so[h->n];
	h->obj[k] = h->obj[h->n];
}

NOKPROBE_SYMBOL(lin_slot_del);

u32 lin_step(struct lrep *r, u8 kind, s32 insn, u32 ff, s16 from, u32 ft, s16 to)
{
	struct bd_env *e = r->e;
	struct bd_step *s;

	if (!e->steps) {
		struct bd_page *p = bd_page_get(e, e);

		if (!p) {
			e->steps_lost++;
			return U32_MAX;
		}
		e->steps = (struct bd_vec *)p->data;
		memset(e->steps, 0, sizeof(*e->steps));
		bd_vec_init(e->steps, sizeof(*s), p->data + sizeof(*e->steps),
			    (BD_PAGE_DATA - sizeof(*e->steps)) / sizeof(*s));
	}
	s = e->nr_steps < bd_max_history ? bd_vec_slot(e, e->steps, e->nr_steps) : NULL;
	if (!s) {
		e->steps_lost++;
		return U32_MAX;
	}
	*s = (struct bd_step){ .insn = insn, .at = r->at, .raw = r->raw, .id = r->id,
			       .kind = kind, .ffrom = ff,
			       .from = from, .fto = ft, .to = to,
			       .src = insn >= 0 ? bd_src_of(r->c, insn) : BD_NO_SRC };
	return e->nr_steps++;
}

NOKPROBE_SYMBOL(lin_step);

bool lin_held(const struct lrep *r, u32 f, u32 reg)
{
	return r->h.regs[f] & BIT(reg);
}

NOKPROBE_SYMBOL(lin_held);

/* Register @reg of frame @f no longer holds it (@kind says why) */
void lin_kill_reg(struct lrep *r, u8 kind, s32 insn, u32 f, u32 reg)
{
	if (!lin_held(r, f, reg))
		return;
	r->h.regs[f] &= ~BIT(reg);
	r->last_kill = lin_step(r, kind, insn, f, reg, f, BD_LOC_NONE);
}

NOKPROBE_SYMBOL(lin_kill_reg);

void lin_take_reg(struct lrep *r, u8 kind, s32 insn, u32 ff, s16 from, u32 f, u32 reg)
{
	if (lin_held(r, f, reg))
		return;
	r->h.regs[f] |= BIT(reg);
	lin_step(r, kind, insn, ff, from, f, reg);
}

NOKPROBE_SYMBOL(lin_take_reg);

/* Bytes [lo, hi) of frame @g's stack written: the slots there lose it */
void lin_kill_slots(struct lrep *r, u8 kind, s32 insn, u32 g, s32 lo, s32 hi)
{
	int k;

	for (k = 0; k < r->h.n; k++) {
		if (r->h.sf[k] != g || r->h.so[k] >= hi || r->h.so[k] + BPF_REG_SIZE <= lo ||
		    r->h.obj[k])
			continue;
		r->last_kill = lin_step(r, kind, insn, g, r->h.so[k], g, BD_LOC_NONE);
		lin_slot_del(&r->h, k--);
	}
}

NOKPROBE_SYMBOL(lin_kill_slots);

void lin_fp_clr(struct lrep *r, u32 f, u32 reg)
{
	r->pf[f][reg] = -1;
}

NOKPROBE_SYMBOL(lin_fp_clr);

/* Does register @reg of the current frame point into a stack?  Where: */
bool lin_fp_at(const struct lrep *r, u32 reg, s16 off, u32 *g, s32 *at)
{
	u32 f = r->cur;

	if (r->pf[f][reg] < 0)
		return false;
	*g = r->pf[f][reg];
	*at = r->po[f][reg] + off;
	return true;
}

NOKPROBE_SYMBOL(lin_fp_at);

/* Stack bytes [lo, hi) of frame @g written: spilled stack pointers there are gone */
void lin_sp_kill(struct lrep *r, u32 g, s32 lo, s32 hi)
{
	int k;

	for (k = 0; k < r->nsp; k++)
		if (r->sp[k].g == g && r->sp[k].off < hi && r->sp[k].off + BPF_REG_SIZE > lo)
			r->sp[k--] = r->sp[--r->nsp];
}

NOKPROBE_SYMBOL(lin_sp_kill);

/* A new frame @f: nothing in it yet but r10 */
void lin_frame_new(struct lrep *r, u32 f)
{
	int k;

	lin_sp_kill(r, f, S16_MIN, S16_MAX);
	r->h.regs[f] = 0;
	for (k = 0; k < r->h.n; k++)
		if (r->h.sf[k] == f)
			lin_slot_del(&r->h, k--);
	memset(r->pf[f], -1, sizeof(r->pf[f]));
	r->pf[f][BPF_REG_10] = f;
	r->po[f][BPF_REG_10] = 0;
	r->site[f] = -1;
}

NOKPROBE_SYMBOL(lin_frame_new);

/* Helpers whose r0 carries an argument's ref_obj_id (is_ptr_cast_function(), dynptr data) */
bool lin_derives(const struct bpf_insn *in)
{
	int k;

	if (in->src_reg == BPF_PSEUDO_KFUNC_CALL) {
		if (!bd_layout_slices_hold)
			return false;
		for (k = 0; k < ARRAY_SIZE(slice_kfunc); k++)
			if (slice_kfunc[k] > 0 && in->imm == slice_kfunc[k] && !in->off)
				return true;
		return false;
	}
	if (in->src_reg)
		return false;
	switch (in->imm) {
	case BPF_FUNC_tcp_sock:
	case BPF_FUNC_sk_fullsock:
	case BPF_FUNC_skc_to_tcp_sock:
	case BPF_FUNC_skc_to_tcp6_sock:
	case BPF_FUNC_skc_to_udp6_sock:
	case BPF_FUNC_skc_to_mptcp_sock:
	case BPF_FUNC_skc_to_tcp_timewait_sock:
	case BPF_FUNC_skc_to_tcp_request_sock:
		return true;
	case BPF_FUNC_dynptr_data:
		return bd_layout_slices_hold;
	}
	return false;
}

NOKPROBE_SYMBOL(lin_derives);

/* A callback's argument that is its caller's: (caller reg, callee reg), 0 if none */
u32 lin_cb_arg(const struct bpf_insn *in, u32 *callee)
{
	if (in->src_reg)
		return 0;
	switch (in->imm) {
	case BPF_FUNC_loop:			/* set_loop_callback_state() */
	case BPF_FUNC_user_ringbuf_drain:
		*callee = BPF_REG_2;
		return BPF_REG_3;
	case BPF_FUNC_for_each_map_elem:	/* set_map_elem_callback_state() */
		*callee = BPF_REG_4;
		return BPF_REG_3;
	case BPF_FUNC_find_vma:
		*callee = BPF_REG_3;
		return BPF_REG_4;
	}
	return 0;
}

NOKPROBE_SYMBOL(lin_cb_arg);

/* Registers r0-r5 of frame @f clobbered by a call at @i */
void lin_clobber(struct lrep *r, s32 i, u32 f)
{
	u32 k;

	for (k = BPF_REG_0; k <= BPF_REG_5; k++) {
		lin_kill_reg(r, BPF_DIAG_STEP_CLOBBER, i, f, k);
		lin_fp_clr(r, f, k);
	}
}

NOKPROBE_SYMBOL(lin_clobber);

/* The verifier's state at the leak: what holds the id, in every frame */
void lin_state_holders(struct lrep *r, struct holders *h)
{
	struct bpf_verifier_state *st = bd_cur_state(r->c->env);
	u32 nf = BD_RD(st, bpf_verifier_state, curframe), f, k;
	struct bpf_func_state *fs;
	struct bpf_reg_state *reg;
	void *stack, *slot;
	s32 spi, t;

	memset(h, 0, sizeof(*h));
	for (f = 0; f <= nf && f < LF; f++) {
		fs = bd_frame(st, f);
		if (!fs)
			continue;
		for (k = 0; k < BPF_REG_10; k++)
			if (bd_layout_reg_ref(bd_reg(fs, k), false) == r->id)
				h->regs[f] |= BIT(k);
		stack = BD_RD(fs, bpf_func_state, stack);
		spi = stack ? BD_RD(fs, bpf_func_state, allocated_stack) / BPF_REG_SIZE : 0;
		/* from the lowest address: where a dynptr or an iterator starts */
		for (spi--; spi >= 0; spi--) {
			slot = BD_ELEM(stack, bpf_stack_state, spi);
			reg = BD_AT(slot, bpf_stack_state, spilled_ptr);
			t = ((u8 *)BD_AT(slot, bpf_stack_state, slot_type))[BPF_REG_SIZE - 1];
			if (bd_layout_reg_ref(reg, t == stack_dynptr) != r->id)
				continue;
			if (t == stack_spill) {
				lin_slot_add(h, f, -(spi + 1) * BPF_REG_SIZE, false);
			} else if (t == stack_dynptr) {
				lin_slot_add(h, f, -(spi + 1) * BPF_REG_SIZE, true);
				spi--;	/* BPF_DYNPTR_NR_SLOTS: its other half */
			} else if (t == stack_iter) {
				lin_slot_add(h, f, -(spi + 1) * BPF_REG_SIZE, true);
			}
		}
	}
}

NOKPROBE_SYMBOL(lin_state_holders);

/*
 * The argument an acquire stores its reference in, on the stack: an
 * iterator's constructor (bpf_iter_*_new(it, ...): r1), a referenced
 * dynptr's (bpf_ringbuf_reserve_dynptr(map, size, flags, ptr): r4); 0: r0.
 */
u32 lin_acq_arg(const struct bpf_insn *in)
{
	int k;

	if (!in->src_reg && in->imm == BPF_FUNC_ringbuf_reserve_dynptr)
		return BPF_REG_4;
	if (in->src_reg != BPF_PSEUDO_KFUNC_CALL || in->off)
		return 0;
	for (k = 0; k < nr_iter_new; k++)
		if (in->imm == iter_new[k])
			return BPF_REG_1;
	return 0;
}

NOKPROBE_SYMBOL(lin_acq_arg);

/* The value of enumerator @name of enum bpf_stack_slot_type, or -1 */
static s32 slot_type(const char *name)
{
	s32 id = bd_btf_find("bpf_stack_slot_type", BTF_KIND_ENUM);
	const struct btf_type *t = id > 0 ? bd_btf_type(id) : NULL;
	const struct btf_enum *m;
	u32 k;

	if (!t)
		return -1;
	m = btf_enum(t);
	for (k = 0; k < btf_vlen(t); k++)
		if (!strcmp(bd_btf_str(m[k].name_off), name))
			return m[k].val;
	return -1;
}

/* The kernel's bpf_iter_*_new() kfuncs (its BTF is read at load only) */
static void iters_init(void)
{
	const struct btf_type *t;
	const char *name;
	size_t n;
	u32 id;

	nr_iter_new = 0;
	for (id = 1; nr_iter_new < L_ITERS && (t = bd_btf_type(id)); id++) {
		if (!btf_type_is_func(t))
			continue;
		name = bd_btf_str(t->name_off);
		n = name ? strlen(name) : 0;
		if (n > 13 && !strncmp(name, "bpf_iter_", 9) && !strcmp(name + n - 4, "_new"))
			iter_new[nr_iter_new++] = id;
	}
}

/* At load, the kernel's BTF still read: what the replay needs of it */
bool lin_types_init(void)
{
	stack_spill = slot_type("STACK_SPILL");
	stack_dynptr = slot_type("STACK_DYNPTR");
	stack_iter = slot_type("STACK_ITER");
	slice_kfunc[0] = bd_btf_find("bpf_dynptr_slice", BTF_KIND_FUNC);
	slice_kfunc[1] = bd_btf_find("bpf_dynptr_slice_rdwr", BTF_KIND_FUNC);
	iters_init();
	return stack_spill >= 0;
}
