// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the kernel struct members every layout's handlers read, and
 * their check against the running kernel's BTF at load (see fields.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include "internal.h"
#include "hook.h"
#include "fields.h"

u32 bd_off[BD_NR_FIELDS];
u32 bd_size[BD_NR_STRIDES];

static const struct bd_field common[] = {
	BD_FIELD(bpf_verifier_env, cur_state, BD_R_EMIT | BD_R_SYNC),
	BD_FIELD(bpf_verifier_env, head, BD_R_POP),
	BD_FIELD(bpf_verifier_env, stack_size, BD_R_EMIT),
	BD_FIELD(bpf_verifier_env, insn_idx, BD_R_EMIT),
	BD_FIELD(bpf_verifier_env, prog, BD_R_EMIT),
	BD_FIELD(bpf_verifier_env, subprog_cnt, BD_R_BIND),
	BD_FIELD(bpf_verifier_env, insn_processed, BD_R_BIND | BD_R_PATH),
	BD_ARRAY(bpf_verifier_env, subprog_info, BD_R_BIND),
	BD_FIELD(bpf_subprog_info, start, BD_R_BIND),
	BD_ARRAY(bpf_verifier_state, frame, BD_R_LEAK | BD_R_NULL | BD_R_REL | BD_R_RELCALL),
	BD_FIELD(bpf_verifier_state, curframe, BD_R_LEAK | BD_R_NULL | BD_R_REL | BD_R_RELCALL),
	BD_FIELD(bpf_verifier_state, speculative, BD_R_PUSH | BD_R_POP | BD_R_PATH),
	BD_ARRAY(bpf_func_state, regs, BD_R_NULL | BD_R_LEAK | BD_R_REL),
	BD_FIELD(bpf_func_state, frameno, BD_R_LEAK | BD_R_REL),
	BD_FIELD(bpf_reg_state, id, BD_R_NULL | BD_R_LEAK | BD_R_LINE),
	BD_FIELD(bpf_reg_state, type, BD_R_REL),
	BD_FIELD(bpf_func_state, stack, BD_R_LINE),
	BD_FIELD(bpf_func_state, allocated_stack, BD_R_LINE),
	BD_FIELD(bpf_stack_state, spilled_ptr, BD_R_LINE),
	BD_ARRAY(bpf_stack_state, slot_type, BD_R_LINE),
	BD_FIELD(bpf_prog, len, BD_R_ENV | BD_R_EMIT),
	BD_FIELD(bpf_prog, type, BD_R_ENV | BD_R_LEAK),
	BD_FIELD(bpf_prog, aux, BD_R_ENV | BD_R_EMIT),
	BD_FLEXARRAY(bpf_prog, insnsi, BD_R_EMIT),
	BD_ARRAY(bpf_prog_aux, name, BD_R_ENV),
	BD_FIELD(bpf_prog_aux, linfo, BD_R_SRC),
	BD_FIELD(bpf_prog_aux, nr_linfo, BD_R_SRC),
	BD_FIELD(bpf_prog_aux, btf, BD_R_SRC),
	BD_FIELD(bpf_prog_aux, func_info, BD_R_SRC),
	BD_FIELD(bpf_prog_aux, func_info_cnt, BD_R_SRC),
	BD_ARRAY(task_struct, comm, BD_R_ENV),
	/* struct btf: a program's strings, as btf_name_by_offset() reads them */
	{ BD_F_btf__strings, "btf", "strings", BD_NOT_BUILT, sizeof(void *), 0, BD_R_SRC },
	{ BD_F_btf__start_str_off, "btf", "start_str_off", BD_NOT_BUILT, 4, 0, BD_R_SRC },
	{ BD_F_btf__base_btf, "btf", "base_btf", BD_NOT_BUILT, sizeof(void *), 0, BD_R_SRC },
	/* of its struct btf_header (UAPI), only str_len */
	{ BD_F_btf__hdr_str_len, "btf", "hdr.str_len", BD_NOT_BUILT, 4, 0, BD_R_SRC },
	/* verifier.c's stack element: the state, where it resumes (size 0: any) */
	{ BD_F_bpf_verifier_stack_elem__st, "bpf_verifier_stack_elem", "st", BD_NOT_BUILT,
	  0, 0, BD_R_ELEM },
	{ BD_F_bpf_verifier_stack_elem__insn_idx, "bpf_verifier_stack_elem", "insn_idx",
	  BD_NOT_BUILT, 4, 0, BD_R_ELEM },
	{ BD_F_bpf_verifier_stack_elem__prev_insn_idx, "bpf_verifier_stack_elem",
	  "prev_insn_idx", BD_NOT_BUILT, 4, 0, BD_R_ELEM },
};

static const struct bd_stride common_strides[] = {
	BD_STRIDE(bpf_subprog_info, BD_R_BIND),
	BD_STRIDE(bpf_reg_state, BD_R_NULL | BD_R_LEAK | BD_R_REL),
	/* both layouts step over refs[] with the same readers as refs itself */
	BD_STRIDE(bpf_reference_state, BD_R_SYNC | BD_R_NULL),
	BD_STRIDE(bpf_stack_state, BD_R_LINE),
};

/* Stride @i: the common ones, then layout_hist.c's history entry */
static const struct bd_stride *stride(int i)
{
	return i < ARRAY_SIZE(common_strides) ? &common_strides[i] : &bd_path_stride;
}

static_assert(ARRAY_SIZE(common_strides) == BD_S_hist_entry);

enum { F_UNUSED, F_SAME, F_MOVED, F_BAD };
struct fstate {
	u8 st;
	u32 off, size;		/* found in the kernel's BTF */
	const char *why;	/* F_BAD: what differs */
	const struct bd_field *f;
};

static struct fstate fst[BD_NR_FIELDS], sst[BD_NR_STRIDES];
static u32 bad_reads;
static bool checked;

/* The kernel's size of struct @name, 0 if its BTF has none. */
static u32 btf_struct_size(const char *name)
{
	s32 id = bd_btf_find(name, BTF_KIND_STRUCT);
	const struct btf_type *t = id > 0 ? bd_btf_type(id) : NULL;

	return t ? t->size : 0;
}

/* The checked element size of an array of struct @name, or 0. */
static u32 stride_of(const char *name)
{
	int i;

	for (i = 0; i < BD_NR_STRIDES; i++)
		if (stride(i)->st && !strcmp(stride(i)->st, name) && sst[i].st != F_BAD)
			return bd_size[stride(i)->id];
	return 0;
}

/* Member path @mem ("a" or "a.b") of struct @sid: offset in bits, its type. */
static const char *find_member(s32 sid, const char *mem, u32 *bit_off, u32 *bits, u32 *type)
{
	char part[32];
	const char *dot;
	u32 bit, total = 0;

	for (;;) {
		dot = strchr(mem, '.');
		strscpy(part, mem, min_t(size_t, sizeof(part), dot ? dot - mem + 1 : sizeof(part)));
		if (bd_btf_member(sid, part, &bit, bits, type))
			return "no such member";
		total += bit;
		if (!dot)
			break;
		if (*bits || bit % 8)
			return "a bitfield";
		sid = *type;
		mem = dot + 1;
	}
	*bit_off = total;
	return NULL;
}

/* The kernel's size of member type @type, against what @f reads. */
static const char *check_size(const struct bd_field *f, u32 type, u32 *size)
{
	const struct btf_type *t = bd_btf_strip(&type);
	const struct btf_array *a;
	const char *name;
	u32 esz;

	*size = bd_btf_size(type);
	if (!f->nelem)
		return !f->size || *size == f->size ? NULL : "another size";
	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_ARRAY)
		return "not an array";
	a = btf_array(t);
	if (f->nelem != BD_FLEX && a->nelems != f->nelem)
		return "another number of elements";
	if (f->nelem == BD_FLEX && a->nelems)
		return "not a flexible array";
	esz = bd_btf_size(a->type);
	*size = esz;
	if (esz == f->size)
		return NULL;
	/* an array of structs is stepped with the kernel's struct size */
	type = a->type;
	t = bd_btf_strip(&type);
	name = t ? bd_btf_str(t->name_off) : NULL;
	return name && *name && esz == stride_of(name) ? NULL : "another element size";
}

/* Where the headers built against have @f (a bitfield's bit: the layout found it) */
static u32 built(const struct bd_field *f)
{
	return f->nelem == BD_BITFIELD ? bd_layout_bit_built : f->built;
}

static void check_field(const struct bd_field *f)
{
	struct fstate *s = &fst[f->id];
	s32 sid = bd_btf_find(f->st, BTF_KIND_STRUCT);
	u32 bit, bits, type;

	s->f = f;
	s->st = F_BAD;
	if (sid <= 0) {
		s->why = "no such struct in the kernel's BTF";
		return;
	}
	s->why = find_member(sid, f->mem, &bit, &bits, &type);
	if (s->why)
		return;
	if (f->nelem == BD_BITS) {
		/* read by the offset and width BTF gives: any place, this width */
		if ((bits ?: bd_btf_size(type) * 8) != f->size) {
			s->why = "another width";
			return;
		}
		/* within the struct, which bd_bits() reads byte by byte */
		if (bit + f->size > btf_struct_size(f->st) * 8) {
			s->why = "past the end of its struct";
			return;
		}
		s->off = bit;
		s->size = 0;
	} else if (f->nelem == BD_BITFIELD) {
		if (bits != 1) {
			s->why = "not a one-bit bitfield";
			return;
		}
		s->off = bit;
		s->size = 0;
	} else {
		if (bits || bit % 8) {
			s->why = "a bitfield";
			return;
		}
		s->off = bit / 8;
		s->why = check_size(f, type, &s->size);
		if (s->why)
			return;
	}
	s->st = f->built == BD_NOT_BUILT || s->off == built(f) ? F_SAME : F_MOVED;
	bd_off[f->id] = s->off;
}

/* Member @i: the common ones, the layout's, layout_hist.c's */
static const struct bd_field *field(int i)
{
	if (i < ARRAY_SIZE(common))
		return &common[i];
	i -= ARRAY_SIZE(common);
	if (i < bd_nr_layout_fields)
		return &bd_layout_fields[i];
	return &bd_path_fields[i - bd_nr_layout_fields];
}

/* Start-up, the kernel's BTF read: every member and stride against it. */
void bd_fields_check(void)
{
	int i;

	checked = true;
	for (i = 0; i < BD_NR_STRIDES; i++) {
		if (!stride(i)->st)
			continue;
		bd_size[stride(i)->id] = stride(i)->built;
		sst[i].size = bd_btf_loaded() ? btf_struct_size(stride(i)->st) : 0;
		if (!sst[i].size) {
			sst[i].st = F_BAD;
			bad_reads |= stride(i)->reads;
			continue;
		}
		sst[i].st = sst[i].size == stride(i)->built ? F_SAME : F_MOVED;
		bd_size[stride(i)->id] = sst[i].size;
	}
	for (i = 0; i < ARRAY_SIZE(common) + bd_nr_layout_fields + bd_nr_path_fields; i++) {
		const struct bd_field *f = field(i);

		if (bd_btf_loaded()) {
			check_field(f);
		} else {
			fst[f->id].f = f;
			fst[f->id].st = F_BAD;
			fst[f->id].why = "no BTF to check it against";
		}
		if (fst[f->id].st == F_BAD)
			bad_reads |= f->reads;
	}
}

/* Was member @id checked and found (as built, or moved)? */
bool bd_field_ok(u16 id)
{
	return checked && (fst[id].st == F_SAME || fst[id].st == F_MOVED);
}

bool bd_fields_ok(u32 reads)
{
	return checked && !(bad_reads & reads);
}

/* Why a reader of @reads is refused: the first changed member it reads. */
const char *bd_fields_refusal(u32 reads)
{
	static char why[112];
	int i;

	if (!checked)
		return "the struct members it reads were not checked";
	for (i = 0; i < BD_NR_STRIDES; i++)
		if (sst[i].st == F_BAD && (stride(i)->reads & reads)) {
			snprintf(why, sizeof(why), "reads struct %s, not in the kernel's BTF",
				 stride(i)->st);
			return why;
		}
	for (i = 0; i < BD_NR_FIELDS; i++)
		if (fst[i].st == F_BAD && (fst[i].f->reads & reads)) {
			snprintf(why, sizeof(why), "reads struct %s member %s: %s",
				 fst[i].f->st, fst[i].f->mem, fst[i].why);
			return why;
		}
	return NULL;
}

/* Who reads what @reads says: hook roles and features. */
static void show_readers(struct seq_file *m, u32 reads)
{
	int i;

	for (i = 0; i < bd_nr_hooks; i++)
		if (bd_hook_table[i]->reads & reads)
			seq_printf(m, " %s", bd_hook_table[i]->role);
	if (reads & BD_R_SRC)
		seq_puts(m, " (source lines)");
	if (reads & BD_R_ELEM)
		seq_puts(m, " (pushes seen in the pop hook, async walks)");
	if (reads & BD_R_PATH)
		seq_puts(m, " (branch decisions of the failing path)");
	if (reads & BD_R_LINE)
		seq_puts(m, " (lineage of leaked references)");
}

static void show_field(struct seq_file *m, const struct fstate *s)
{
	const struct bd_field *f = s->f;
	const char *unit = f->nelem == BD_BITFIELD || f->nelem == BD_BITS ? "bit " : "";

	seq_printf(m, "layout: struct %s member %s: ", f->st, f->mem);
	if (s->st == F_MOVED) {
		seq_printf(m, "built at %s%u, here at %s%u: read there\n", unit, built(f),
			   unit, s->off);
		return;
	}
	if (f->nelem == BD_BITS)
		seq_printf(m, "wanted %u bits; ", f->size);
	else if (f->built != BD_NOT_BUILT && f->nelem != BD_BITFIELD)
		seq_printf(m, "built at %u, %u bytes%s; ", f->built, f->size,
			   f->nelem ? " each" : "");
	seq_printf(m, "here: %s", s->why);
	if (s->size)
		seq_printf(m, " (%u bytes)", s->size);
	seq_puts(m, "; not read, refused:");
	show_readers(m, f->reads);
	seq_putc(m, '\n');
}

/* status: what differs from the headers built against, and what it costs. */
void bd_fields_show(struct seq_file *m)
{
	int i, n = 0, same = 0, moved = 0, bad = 0, ns = 0;

	if (!checked)
		return;
	for (i = 0; i < BD_NR_STRIDES; i++)
		ns += !!stride(i)->st;
	for (i = 0; i < BD_NR_FIELDS; i++) {
		n += fst[i].st != F_UNUSED;
		same += fst[i].st == F_SAME;
		moved += fst[i].st == F_MOVED;
		bad += fst[i].st == F_BAD;
	}
	seq_printf(m, "layout check: %d members and %d strides against the kernel's BTF: %d as built, %d moved (read where the kernel has them), %d changed (their readers refused)\n",
		   n, ns, same, moved, bad);
	for (i = 0; i < BD_NR_STRIDES; i++) {
		if (sst[i].st == F_SAME || !stride(i)->st)
			continue;
		seq_printf(m, "layout: struct %s: built %u bytes, ", stride(i)->st,
			   stride(i)->built);
		if (sst[i].st == F_MOVED) {
			seq_printf(m, "here %u: arrays stepped with %u\n", sst[i].size,
				   sst[i].size);
			continue;
		}
		seq_puts(m, "not in the kernel's BTF; refused:");
		show_readers(m, stride(i)->reads);
		seq_putc(m, '\n');
	}
	for (i = 0; i < BD_NR_FIELDS; i++)
		if (fst[i].st == F_MOVED || fst[i].st == F_BAD)
			show_field(m, &fst[i]);
}
