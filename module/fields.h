/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every member of the kernel's structs that a handler reads, listed once:
 * the table in fields.c (what every layout reads) and the layout's own
 * (layout_*.c).  Handlers never write p->member: they read BD_RD(p, S, M),
 * at the offset the running kernel has for it.  At load each member is
 * looked up in the kernel's BTF (btf.c) and compared with the headers
 * built against: the same; or moved (read where the kernel has it, as a
 * Debian stable update that adds a member without changing the ABI name
 * leaves it); or changed beyond that (another size, gone): then the hooks
 * that read it are not attached, and status names struct, member,
 * expected and found.  Arrays of structs are stepped with the kernel's
 * size of the struct (BD_ELEM).  Structs private to the kernel (struct
 * btf, the verifier's stack element) have members found in BTF only.
 *
 * checkpatch's MACRO_ARG_REUSE and MACRO_ARG_PRECEDENCE are ignored for
 * this file (scripts/host-tests): the macros' arguments are a struct tag
 * and a member name, pasted and used in offsetof()/typeof(); there is
 * nothing to evaluate twice and nothing to parenthesize.
 */
#ifndef _BPF_DIAG_FIELDS_H
#define _BPF_DIAG_FIELDS_H

#include <linux/types.h>
#include <linux/seq_file.h>

/* The hooks and features that read a member (struct bd_hook.reads). */
enum {
	BD_R_ENV = 1 << 0, BD_R_BIND = 1 << 1, BD_R_ACQ = 1 << 2, BD_R_REL = 1 << 3,
	BD_R_PUSH = 1 << 4, BD_R_POP = 1 << 5, BD_R_FREE = 1 << 6, BD_R_LEAK = 1 << 7,
	BD_R_RELCALL = 1 << 8, BD_R_NULL = 1 << 9,
	BD_R_SRC = 1 << 10,	/* source lines (not a hook) */
	BD_R_ELEM = 1 << 11,	/* pushes seen in the pop hook, async walks (not a hook) */
	BD_R_PATH = 1 << 12,	/* branch decisions of failing paths (layout_hist.c, not a hook) */
	BD_R_LINE = 1 << 13,	/* lineage of leaked references (lineage.c, not a hook) */
};

/* Hooks that record events or end paths (walk.c, bd_emit, bd_path_end). */
#define BD_R_EMIT	(BD_R_BIND | BD_R_ACQ | BD_R_REL | BD_R_PUSH | BD_R_POP | \
			 BD_R_FREE | BD_R_LEAK | BD_R_RELCALL)
/* Hooks that read a pending acquire's slot first (bd_layout_sync) */
#define BD_R_SYNC	(BD_R_BIND | BD_R_ACQ | BD_R_REL | BD_R_POP | BD_R_FREE | \
			 BD_R_LEAK | BD_R_RELCALL | BD_R_NULL)

/* Every member read, of every layout: BD_F_<struct>__<member> */
enum bd_field_id {
	BD_F_bpf_verifier_env__cur_state,
	BD_F_bpf_verifier_env__head,
	BD_F_bpf_verifier_env__stack_size,
	BD_F_bpf_verifier_env__insn_idx,
	BD_F_bpf_verifier_env__prog,
	BD_F_bpf_verifier_env__subprog_cnt,
	BD_F_bpf_verifier_env__insn_processed,
	BD_F_bpf_verifier_env__subprog_info,
	BD_F_bpf_subprog_info__start,
	BD_F_bpf_verifier_state__frame,
	BD_F_bpf_verifier_state__curframe,
	BD_F_bpf_verifier_state__speculative,
	BD_F_bpf_func_state__regs,
	BD_F_bpf_func_state__frameno,
	BD_F_bpf_reg_state__id,
	BD_F_bpf_reg_state__type,
	BD_F_bpf_reg_state__ref_obj_id,		/* layout_frame.c, layout_state.c */
	BD_F_bpf_reg_state__parent_id,		/* layout_state.c */
	/* lineage.c: holders at the leak */
	BD_F_bpf_func_state__stack,
	BD_F_bpf_func_state__allocated_stack,
	BD_F_bpf_stack_state__spilled_ptr,
	BD_F_bpf_stack_state__slot_type,
	BD_F_bpf_prog__len,
	BD_F_bpf_prog__type,
	BD_F_bpf_prog__aux,
	BD_F_bpf_prog__insnsi,
	BD_F_bpf_prog_aux__name,
	BD_F_bpf_prog_aux__linfo,
	BD_F_bpf_prog_aux__nr_linfo,
	BD_F_bpf_prog_aux__btf,
	BD_F_bpf_prog_aux__func_info,
	BD_F_bpf_prog_aux__func_info_cnt,
	BD_F_task_struct__comm,
	/* private to the kernel: struct btf (kernel/bpf/btf.c) */
	BD_F_btf__strings,
	BD_F_btf__start_str_off,
	BD_F_btf__base_btf,
	BD_F_btf__hdr_str_len,
	/* private to the kernel: struct bpf_verifier_stack_elem (verifier.c) */
	BD_F_bpf_verifier_stack_elem__st,
	BD_F_bpf_verifier_stack_elem__insn_idx,
	BD_F_bpf_verifier_stack_elem__prev_insn_idx,
	/* layout_state.c */
	BD_F_bpf_verifier_state__refs,
	BD_F_bpf_verifier_state__acquired_refs,
	BD_F_bpf_verifier_state__active_locks,
	BD_F_bpf_reference_state__type,
	BD_F_bpf_reference_state__parent_id,
	BD_F_bpf_prog_aux__saved_dst_prog_type,
	/* layout_frame.c */
	BD_F_bpf_func_state__refs,
	BD_F_bpf_func_state__acquired_refs,
	BD_F_bpf_func_state__in_callback_fn,
	BD_F_bpf_reference_state__callback_ref,
	BD_F_bpf_verifier_state__active_rcu_lock,
	BD_F_bpf_verifier_state__in_sleepable,
	BD_F_bpf_verifier_state__active_lock,
	BD_F_bpf_active_lock__ptr,
	BD_F_bpf_prog__sleepable,		/* a bitfield: bd_off[] holds its bit */
	/* both layouts */
	BD_F_bpf_reference_state__id,
	BD_F_bpf_reference_state__insn_idx,
	/* layout_hist.c: the verifier's jump history, of every layout */
	BD_F_bpf_verifier_state__parent,
	BD_F_bpf_verifier_state__first_insn_idx,
	BD_F_bpf_verifier_state__last_insn_idx,
	BD_F_bpf_verifier_state__jmp_history,
	BD_F_bpf_verifier_state__jmp_history_cnt,
	BD_F_bpf_verifier_state__insn_hist_start,
	BD_F_bpf_verifier_state__insn_hist_end,
	BD_F_bpf_verifier_env__insn_hist,
	BD_F_hist_entry__idx,		/* bits: bd_off[] holds the bit offset */
	BD_F_hist_entry__prev_idx,
	BD_NR_FIELDS
};

/* Every struct whose arrays a handler steps over: BD_S_<struct> */
enum bd_stride_id {
	BD_S_bpf_subprog_info,
	BD_S_bpf_reg_state,
	BD_S_bpf_reference_state,
	BD_S_bpf_stack_state,
	BD_S_hist_entry,		/* layout_hist.c: one entry of the jump history */
	BD_NR_STRIDES
};

#define BD_NOT_BUILT	U32_MAX		/* a struct private to the kernel */
#define BD_FLEX		0xffff		/* a flexible array member */
#define BD_BITFIELD	0xfffe		/* a one-bit bitfield (its offset in bits) */
#define BD_BITS		0xfffd		/* an integer of size bits (offset in bits) */

struct bd_field {
	u16 id;			/* enum bd_field_id */
	const char *st, *mem;
	u32 built;		/* offset in the headers built against, or BD_NOT_BUILT */
	u16 size;		/* bytes; of one element for an array; BD_BITS: bits */
	u16 nelem;		/* 0: not an array; BD_FLEX, BD_BITFIELD */
	u32 reads;		/* BD_R_*: who reads it */
};

struct bd_stride {
	u16 id;			/* enum bd_stride_id */
	const char *st;
	u32 built;
	u32 reads;
};

/* Offsets (bytes; bits for a bitfield) and sizes the handlers use: the kernel's */
extern u32 bd_off[BD_NR_FIELDS];
extern u32 bd_size[BD_NR_STRIDES];

/* Table entries: a member, an array member (by its element), a flexible array */
#define BD_FIELD(S, M, R) { BD_F_##S##__##M, #S, #M, offsetof(struct S, M), \
			    sizeof_field(struct S, M), 0, R }
#define BD_ARRAY(S, M, R) { BD_F_##S##__##M, #S, #M, offsetof(struct S, M), \
			    sizeof(((struct S *)0)->M[0]), ARRAY_SIZE(((struct S *)0)->M), R }
#define BD_FLEXARRAY(S, M, R) { BD_F_##S##__##M, #S, #M, offsetof(struct S, M), \
				sizeof(((struct S *)0)->M[0]), BD_FLEX, R }
#define BD_STRIDE(S, R)	{ BD_S_##S, #S, sizeof(struct S), R }

/* Member M of struct S at @p, read where the running kernel has it. */
#define BD_RD(p, S, M) \
	(*(const typeof(((struct S *)0)->M) *)((const char *)(p) + bd_off[BD_F_##S##__##M]))
/* Where member M (an array, an embedded struct) of struct S at @p starts */
#define BD_AT(p, S, M)	((void *)((char *)(p) + bd_off[BD_F_##S##__##M]))
/* Element @i of an array of struct S starting at @base, the kernel's stride */
#define BD_ELEM(base, S, i) \
	((struct S *)((char *)(base) + (size_t)(i) * bd_size[BD_S_##S]))

/* The layout's own table (layout_state.c, layout_frame.c) */
extern const struct bd_field bd_layout_fields[];
extern const int bd_nr_layout_fields;
/* The layout's own start-up, before the check (a bitfield's built offset) */
void bd_layout_init(void);
extern u32 bd_layout_bit_built;	/* the bitfield's bit in the headers built against */

/* layout_hist.c's table and the struct of its history entries (st NULL: none) */
extern const struct bd_field bd_path_fields[];
extern const int bd_nr_path_fields;
extern const struct bd_stride bd_path_stride;

/* The @n-bit integer at bit @bit of the struct at @p (little endian, n <= 32) */
static inline u32 bd_bits(const void *p, u32 bit, u32 n)
{
	const u8 *b = (const u8 *)p + bit / 8;
	u32 k, nb = (bit % 8 + n + 7) / 8;
	u64 v = 0;

	/* the usual case: within one aligned u32 (the struct is aligned) */
	if (bit % 32 + n <= 32)
		return le32_to_cpu(((const __le32 *)p)[bit / 32]) >> (bit % 32) &
		       (u32)GENMASK_ULL(n - 1, 0);
	for (k = 0; k < nb; k++)
		v |= (u64)b[k] << (8 * k);
	return (v >> (bit % 8)) & (u32)GENMASK_ULL(n - 1, 0);
}

/* Bit @bit of the struct at @p (a one-bit bitfield, little endian) */
static inline bool bd_bit(const void *p, u32 bit)
{
	return (((const u8 *)p)[bit / 8] >> (bit % 8)) & 1;
}

/* fields.c: checked at load against the kernel's BTF */
void bd_fields_check(void);
bool bd_fields_ok(u32 reads);		/* nothing @reads reads has changed */
bool bd_field_ok(u16 id);		/* member @id can be read */
const char *bd_fields_refusal(u32 reads);	/* the first changed member it reads */
void bd_fields_show(struct seq_file *m);

#endif /* _BPF_DIAG_FIELDS_H */
