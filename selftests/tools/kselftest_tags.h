/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The expectations the kernel's own BPF selftests write into their objects
 * (tools/testing/selftests/bpf/progs/bpf_misc.h): BTF decl tags
 * "comment:N:test_expect_failure", "...:test_expect_success",
 * "...:test_expect_msg=TEXT", "...:test_prog_flags=FLAG", "...:test_arch=A".
 * An object that has none of them gets no expectation from here.
 *
 * Only the privileged mode is read (bpf-diag-check loads as root), and a
 * verdict is expected only where a tag says one, as the kernel's
 * test_loader.c does for its PRIV mode.
 */
#ifndef KSELFTEST_TAGS_H
#define KSELFTEST_TAGS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define KT_MAX_MSGS 16

struct ktags {
	bool any;		/* the program has test_* tags at all */
	bool fail, succ;	/* __failure / __success */
	bool other_arch;	/* __arch_* tags, none of them x86-64 */
	bool custom_btf;	/* __btf_path: loads against another BTF */
	unsigned int flags;	/* __flag()s, for bpf_program__set_flags() */
	int nmsg;		/* __msg()s without {{regex}} */
	char msg[KT_MAX_MSGS][256];	/* copies: the object is closed */
};

static const char *kt_tag(const char *s)
{
	/* "comment:" then the __COUNTER__ value and ':' */
	if (strncmp(s, "comment:", 8))
		return NULL;
	s += 8;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == ':' ? s + 1 : NULL;
}

static unsigned int kt_flag(const char *v)
{
	static const struct { const char *name; unsigned int bit; } names[] = {
		{ "BPF_F_STRICT_ALIGNMENT", BPF_F_STRICT_ALIGNMENT },
		{ "BPF_F_ANY_ALIGNMENT", BPF_F_ANY_ALIGNMENT },
		{ "BPF_F_TEST_RND_HI32", BPF_F_TEST_RND_HI32 },
		{ "BPF_F_TEST_STATE_FREQ", BPF_F_TEST_STATE_FREQ },
		{ "BPF_F_SLEEPABLE", BPF_F_SLEEPABLE },
		{ "BPF_F_XDP_HAS_FRAGS", BPF_F_XDP_HAS_FRAGS },
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v, names[i].name))
			return names[i].bit;
	return strtoul(v, NULL, 0);
}

/* Read @prog's tags from @obj's BTF into @t (zeroed: no tags). */
static void kt_read(struct bpf_object *obj, const char *prog, struct ktags *t)
{
	struct btf *btf = bpf_object__btf(obj);
	bool x86 = false;
	int id, i;

	memset(t, 0, sizeof(*t));
	if (!btf)
		return;
	id = btf__find_by_name_kind(btf, prog, BTF_KIND_FUNC);
	if (id < 0)
		return;
	for (i = 1; i < (int)btf__type_cnt(btf); i++) {
		const struct btf_type *bt = btf__type_by_id(btf, i);
		const char *s;

		if (!btf_is_decl_tag(bt) || bt->type != (unsigned int)id ||
		    btf_decl_tag(bt)->component_idx != -1)
			continue;
		s = kt_tag(btf__str_by_offset(btf, bt->name_off));
		if (!s || strncmp(s, "test_", 5))
			continue;
		t->any = true;
		if (!strcmp(s, "test_expect_failure")) {
			t->fail = true;
		} else if (!strcmp(s, "test_expect_success")) {
			t->succ = true;
		} else if (!strncmp(s, "test_expect_msg=", 16)) {
			if (t->nmsg < KT_MAX_MSGS && !strstr(s, "{{"))
				snprintf(t->msg[t->nmsg++], sizeof(t->msg[0]), "%s", s + 16);
		} else if (!strncmp(s, "test_prog_flags=", 16)) {
			if (s[16] == '!')
				t->flags &= ~kt_flag(s + 17);
			else
				t->flags |= kt_flag(s + 16);
		} else if (!strncmp(s, "test_arch=", 10)) {
			x86 |= !strcmp(s + 10, "X86_64");
			t->other_arch = !x86;
		} else if (!strncmp(s, "test_btf_path=", 14)) {
			t->custom_btf = true;
		}
	}
}

#endif
