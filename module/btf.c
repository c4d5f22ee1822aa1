// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the running kernel's BTF.  Before a hook is attached, the
 * prototype of its function there is compared with what its handlers read
 * (struct bd_proto): each argument found by name, its type, the return
 * type.  A handler never reads a register on the strength of the headers
 * alone.  The BTF functions are not exported; kallsyms finds them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf.h>
#include <linux/kprobes.h>
#include <linux/string.h>
#include "internal.h"
#include "hook.h"

static const struct btf *vmlinux_btf;
static s32 (*find_fn)(const struct btf *btf, const char *name, u8 kind);
static const struct btf_type *(*type_fn)(const struct btf *btf, u32 id);
static const char *(*str_fn)(const struct btf *btf, u32 offset);

void bd_btf_init(void)
{
	struct btf *(*get_vmlinux)(void);
	struct btf *btf;

	str_fn = (void *)bpf_diag_lookup("btf_name_by_offset");
	type_fn = (void *)bpf_diag_lookup("btf_type_by_id");
	find_fn = (void *)bpf_diag_lookup("btf_find_by_name_kind");
	get_vmlinux = (void *)bpf_diag_lookup("bpf_get_btf_vmlinux");
	if (!str_fn || !type_fn || !find_fn || !get_vmlinux)
		return;
	btf = get_vmlinux();
	if (!IS_ERR_OR_NULL(btf))
		vmlinux_btf = btf;
}

const struct btf *bd_btf_vmlinux(void)
{
	return vmlinux_btf;
}

s32 bd_btf_find(const struct btf *btf, const char *name, u8 kind)
{
	return btf && find_fn ? find_fn(btf, name, kind) : -ENOENT;
}

/* Also from handlers: a program's FUNC types (source lines' functions). */
const struct btf_type *bd_btf_type(const struct btf *btf, u32 id)
{
	return btf && type_fn ? type_fn(btf, id) : NULL;
}

NOKPROBE_SYMBOL(bd_btf_type);

/* Also from handlers: a program's BTF strings (source lines). */
const char *bd_btf_str(const struct btf *btf, u32 off)
{
	return str_fn ? str_fn(btf, off) : NULL;
}

NOKPROBE_SYMBOL(bd_btf_str);

bool bd_btf_strings(void)
{
	return str_fn;
}

NOKPROBE_SYMBOL(bd_btf_strings);

/*
 * The type @id names with typedefs and qualifiers seen through; NULL if
 * that is void (*id == 0) or cannot be read (*id != 0).
 */
static const struct btf_type *strip(const struct btf *btf, u32 *id)
{
	const struct btf_type *t;
	int hops;

	for (hops = 0; *id && hops < 16; hops++) {
		t = bd_btf_type(btf, *id);
		if (!t)
			return NULL;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			*id = t->type;
			continue;
		default:
			return t;
		}
	}
	return NULL;
}

/*
 * A type as struct bd_param spells it: "int" for any integer, bool or
 * enum, "*name" for a pointer to struct name, "void".
 */
static void describe(const struct btf *btf, u32 id, char *buf, size_t len)
{
	const struct btf_type *t;
	const char *name;
	int stars;

	for (stars = 0; stars < 4; stars++) {
		t = strip(btf, &id);
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
			name = bd_btf_str(btf, t->name_off);
			snprintf(buf, len, "%.*s%s", stars, "****", name && *name ? name : "?");
			return;
		}
	}
	snprintf(buf, len, "?");
}

/* A struct or union passed by value (or unreadable): later arguments' registers shift. */
static bool by_value_aggregate(const struct btf *btf, u32 id)
{
	const struct btf_type *t = strip(btf, &id);

	if (!t)
		return id;
	return BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT ||
	       BTF_INFO_KIND(t->info) == BTF_KIND_UNION;
}

/* Is @name one of "a|b|c"? */
static bool name_in(const char *names, const char *name)
{
	size_t n = name ? strlen(name) : 0;
	const char *p = names;

	while (n && p) {
		if (!strncmp(p, name, n) && (p[n] == '|' || !p[n]))
			return true;
		p = strchr(p, '|');
		if (p)
			p++;
	}
	return false;
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
	const struct btf *btf = vmlinux_btf;
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
	id = bd_btf_find(btf, sym, BTF_KIND_FUNC);
	fn = id > 0 ? bd_btf_type(btf, id) : NULL;
	proto = fn ? bd_btf_type(btf, fn->type) : NULL;
	if (!proto || BTF_INFO_KIND(proto->info) != BTF_KIND_FUNC_PROTO) {
		snprintf(why, len, "no prototype of %s in the kernel's BTF%s", sym,
			 btf ? "" : " (no vmlinux BTF)");
		return -ENOENT;
	}
	n = btf_type_vlen(proto);
	prm = btf_params(proto);
	for (k = 0; k < BD_MAX_ARGS && p->args[k].names; k++) {
		want = test_mismatch && !k ? "*bpf_diag_test_mismatch" : p->args[k].type;
		for (i = 0; i < n; i++)
			if (name_in(p->args[k].names, bd_btf_str(btf, prm[i].name_off)))
				break;
		if (i == n) {
			if (p->args[k].optional)
				continue;
			snprintf(why, len, "prototype mismatch: no parameter %s in %s's %d",
				 p->args[k].names, sym, n);
			return -EINVAL;
		}
		/* parameter i in register i: the first six, none after a struct */
		for (j = 0; j < i && !by_value_aggregate(btf, prm[j].type); j++)
			;
		if (i >= 6 || j < i) {
			snprintf(why, len, "%s's parameter %s is not in register %d", sym,
				 p->args[k].names, i);
			return -EINVAL;
		}
		describe(btf, prm[i].type, have, sizeof(have));
		if (strcmp(have, want)) {
			snprintf(why, len,
				 "prototype mismatch: %s's parameter %d is %s, read as %s",
				 sym, i, have, want);
			return -EINVAL;
		}
		argi[k] = i;
	}
	if (p->ret) {
		describe(btf, proto->type, have, sizeof(have));
		if (strcmp(have, p->ret)) {
			snprintf(why, len, "prototype mismatch: %s returns %s, read as %s",
				 sym, have, p->ret);
			return -EINVAL;
		}
	}
	snprintf(why, len, "prototype checked against BTF");
	return 0;
}
