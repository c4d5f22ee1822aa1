// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: before a hook is attached, the prototype of its function in the
 * running kernel's BTF (btf.c) is compared with what its handlers read
 * (struct bd_proto): each argument found by name, its register, its type,
 * the return type.  A handler never reads a register on the strength of
 * the headers alone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf.h>
#include <linux/string.h>
#include "internal.h"
#include "hook.h"

/*
 * A type as struct bd_param spells it: "int" for any integer, bool or
 * enum, "*name" for a pointer to struct name, "void".
 */
static void describe(u32 id, char *buf, size_t len)
{
	const struct btf_type *t;
	const char *name;
	int stars;

	for (stars = 0; stars < 4; stars++) {
		t = bd_btf_strip(&id);
		if (!t) {
			snprintf(buf, len, "%.*s%s", stars, "****", id ? "?" : "void");
			return;
		}
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_PTR:
			id = t->type;
			continue;
		case BTF_KIND_INT:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			snprintf(buf, len, "%.*sint", stars, "****");
			return;
		default:
			name = bd_btf_str(t->name_off);
			snprintf(buf, len, "%.*s%s", stars, "****", name && *name ? name : "?");
			return;
		}
	}
	snprintf(buf, len, "?");
}

/* A struct or union passed by value (or unreadable): later arguments' registers shift. */
static bool by_value_aggregate(u32 id)
{
	const struct btf_type *t = bd_btf_strip(&id);

	if (!t)
		return id;
	return BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT ||
	       BTF_INFO_KIND(t->info) == BTF_KIND_UNION;
}

/*
 * Compare @sym's prototype with @p: 0 and the register index of every
 * argument read in @argi, or an error and the reason in @why.
 * @test_mismatch makes the first argument's expected type wrong (the
 * proto_mismatch= test parameter).
 */
int bd_proto_check(const struct bd_proto *p, const char *sym, bool test_mismatch,
		   s8 *argi, char *why, size_t len)
{
	const struct btf_type *fn, *proto;
	const struct btf_param *prm;
	const char *want;
	char have[48];
	int k, i, j, n;
	s32 id;

	for (k = 0; k < BD_MAX_ARGS; k++)
		argi[k] = -1;
	if (strchr(sym, '.')) {
		if (!p->clone_safe || p->args[0].names || test_mismatch) {
			snprintf(why, len,
				 "compiler clone %s: no prototype in BTF, arguments may have moved",
				 sym);
			return -EINVAL;
		}
		snprintf(why, len, "compiler clone, not in BTF: %s", p->clone_safe);
		return 0;
	}
	if (!p->args[0].names && !p->ret && !test_mismatch) {
		snprintf(why, len, "reads no argument and no return value");
		return 0;
	}
	id = bd_btf_find(sym, BTF_KIND_FUNC);
	fn = id > 0 ? bd_btf_type(id) : NULL;
	proto = fn ? bd_btf_type(fn->type) : NULL;
	if (!proto || BTF_INFO_KIND(proto->info) != BTF_KIND_FUNC_PROTO) {
		snprintf(why, len, "no prototype of %s in the kernel's BTF%s", sym,
			 bd_btf_loaded() ? "" : " (no vmlinux BTF)");
		return -ENOENT;
	}
	n = btf_type_vlen(proto);
	prm = btf_params(proto);
	for (k = 0; k < BD_MAX_ARGS && p->args[k].names; k++) {
		want = test_mismatch && !k ? "*bpf_diag_test_mismatch" : p->args[k].type;
		for (i = 0; i < n; i++)
			if (bd_in_list(p->args[k].names, '|', bd_btf_str(prm[i].name_off)))
				break;
		if (i == n) {
			if (p->args[k].optional)
				continue;
			snprintf(why, len, "prototype mismatch: no parameter %s in %s's %d",
				 p->args[k].names, sym, n);
			return -EINVAL;
		}
		/* parameter i in register i: the first six, none after a struct */
		for (j = 0; j < i && !by_value_aggregate(prm[j].type); j++)
			;
		if (i >= 6 || j < i) {
			snprintf(why, len, "%s's parameter %s is not in register %d", sym,
				 p->args[k].names, i);
			return -EINVAL;
		}
		describe(prm[i].type, have, sizeof(have));
		if (strcmp(have, want)) {
			snprintf(why, len,
				 "prototype mismatch: %s's parameter %d is %s, read as %s",
				 sym, i, have, want);
			return -EINVAL;
		}
		argi[k] = i;
	}
	if (p->ret) {
		describe(proto->type, have, sizeof(have));
		if (strcmp(have, p->ret)) {
			snprintf(why, len, "prototype mismatch: %s returns %s, read as %s",
				 sym, have, p->ret);
			return -EINVAL;
		}
	}
	snprintf(why, len, "prototype checked against BTF");
	return 0;
}
