// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the running kernel's BTF, read and parsed by bpf_diag itself.
 *
 * At load, /sys/kernel/btf/vmlinux (raw BTF; its format is UAPI,
 * include/uapi/linux/btf.h) is read and parsed here.  The kernel's own BTF
 * functions are not exported, and bpf_diag never calls a function through
 * an address it looked up: on a CPU with IBT that is a control-protection
 * fault.  Start-up (main.c)
 * takes what it needs from this copy (hooked functions' prototypes, the
 * struct members the handlers read, kfunc ids) and frees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "internal.h"
#include "hook.h"

#define BD_BTF_PATH	"/sys/kernel/btf/vmlinux"
#define BD_BTF_MAX	(256 << 20)	/* far above any vmlinux BTF (7.2: 6 MB) */
#define BD_KINDS	128		/* BTF_MAX_KIND + 1 */

/* The header as 7.2 and later have it (a layout section); 6.1's is shorter. */
struct bd_btf_hdr {
	u16 magic;
	u8 version, flags;
	u32 hdr_len, type_off, type_len, str_off, str_len, layout_off, layout_len;
};

/* One entry of the layout section: what follows a struct btf_type of a kind. */
struct bd_btf_layout {
	u8 info_sz, elem_sz;
	u16 flags;
};

static struct {
	void *buf;
	size_t size;
	const u8 *types;
	u32 type_len;
	const char *strs;
	u32 str_len;
	u32 *toff;		/* type id -> offset in types (id 0: void) */
	u32 nr;			/* types, the last id */
	char why[96];		/* why there is none (status) */
} vb;

/* What a type of each kind is followed by, where no layout section says. */
static int kind_extra(u8 kind, u32 vlen, const struct bd_btf_layout *lay, u32 nlay)
{
	if (kind < nlay)
		return lay[kind].info_sz + vlen * lay[kind].elem_sz;
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return vlen * 12;	/* struct btf_enum64 */
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	}
	return -1;
}

/* Walk the type section: count the types (@toff NULL) or note where each is. */
static int walk_types(const struct bd_btf_layout *lay, u32 nlay, u32 *toff, u32 *nr)
{
	const struct btf_type *t;
	u32 off = 0, n = 0;
	int extra;

	while (off < vb.type_len) {
		if (vb.type_len - off < sizeof(*t))
			return -EINVAL;
		t = (const struct btf_type *)(vb.types + off);
		extra = kind_extra(BTF_INFO_KIND(t->info), BTF_INFO_VLEN(t->info), lay, nlay);
		if (extra < 0) {
			snprintf(vb.why, sizeof(vb.why),
				 "type %u has kind %u, unknown here and no layout section",
				 n + 1, BTF_INFO_KIND(t->info));
			return -EINVAL;
		}
		if (vb.type_len - off - sizeof(*t) < extra)
			return -EINVAL;
		n++;
		if (toff)
			toff[n] = off;
		off += sizeof(*t) + extra;
	}
	*nr = n;
	return 0;
}

/* Check the header and sections of vb.buf, index the types. */
static int parse(void)
{
	const struct bd_btf_layout *lay = NULL;
	struct bd_btf_hdr h = {};
	u32 nlay = 0, nr = 0;
	const u8 *body;
	int err;

	if (vb.size < 24)
		return -EINVAL;
	memcpy(&h, vb.buf, min_t(size_t, sizeof(h), vb.size));
	if (h.magic != BTF_MAGIC || h.version != BTF_VERSION || h.hdr_len < 24 ||
	    h.hdr_len > vb.size) {
		snprintf(vb.why, sizeof(vb.why), "not raw BTF (magic %#x, version %u)",
			 h.magic, h.version);
		return -EINVAL;
	}
	if (h.hdr_len < sizeof(h)) {
		h.layout_off = 0;
		h.layout_len = 0;
	}
	body = vb.buf + h.hdr_len;
	if ((u64)h.type_off + h.type_len > vb.size - h.hdr_len ||
	    (u64)h.str_off + h.str_len > vb.size - h.hdr_len ||
	    (u64)h.layout_off + h.layout_len > vb.size - h.hdr_len || !h.str_len ||
	    body[h.str_off + h.str_len - 1]) {
		snprintf(vb.why, sizeof(vb.why), "BTF sections out of bounds");
		return -EINVAL;
	}
	if (h.layout_len) {
		lay = (const struct bd_btf_layout *)(body + h.layout_off);
		nlay = min_t(u32, h.layout_len / sizeof(*lay), BD_KINDS);
	}
	vb.types = body + h.type_off;
	vb.type_len = h.type_len;
	vb.strs = (const char *)body + h.str_off;
	vb.str_len = h.str_len;
	err = walk_types(lay, nlay, NULL, &nr);
	if (err)
		return err;
	vb.toff = vmalloc_array(nr + 1, sizeof(u32));
	if (!vb.toff)
		return -ENOMEM;
	vb.toff[0] = 0;
	vb.nr = nr;
	return walk_types(lay, nlay, vb.toff, &nr);
}

/*
 * Read the whole file into a vmalloc'ed buffer.  filp_open() and
 * kernel_read() (both exported), not kernel_read_file(): that one asks
 * the LSMs what the read is for, and no enum kernel_read_file_id fits
 * (IPE warns on READING_UNKNOWN, seen on 7.2).
 */
static ssize_t read_file(const char *path, void **bufp)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t size, pos = 0;
	ssize_t n = 0;
	void *buf;

	if (IS_ERR(f))
		return PTR_ERR(f);
	size = i_size_read(file_inode(f));
	if (size <= 0 || size > BD_BTF_MAX) {
		fput(f);
		return size <= 0 ? -ENODATA : -EFBIG;
	}
	buf = vmalloc(size);
	if (!buf) {
		fput(f);
		return -ENOMEM;
	}
	while (pos < size) {
		n = kernel_read(f, buf + pos, size - pos, &pos);
		if (n <= 0)
			break;
	}
	fput(f);
	if (pos < size) {
		vfree(buf);
		return n < 0 ? n : -EIO;
	}
	*bufp = buf;
	return size;
}

/* Start-up: read and index the running kernel's BTF; 0 or why not (bd_btf_why). */
int bd_btf_load(void)
{
	void *buf = NULL;
	ssize_t n;
	int err;

	n = read_file(BD_BTF_PATH, &buf);
	if (n < 0) {
		snprintf(vb.why, sizeof(vb.why), "cannot read %s (%zd)", BD_BTF_PATH, n);
		return n;
	}
	vb.buf = buf;
	vb.size = n;
	err = parse();
	if (err) {
		if (!vb.why[0])
			snprintf(vb.why, sizeof(vb.why), "%s: malformed BTF (%d)",
				 BD_BTF_PATH, err);
		bd_btf_release();
		return err;
	}
	snprintf(vb.why, sizeof(vb.why), "%s, %zu bytes, %u types, read by bpf_diag",
		 BD_BTF_PATH, vb.size, vb.nr);
	return 0;
}

/* Start-up is done: nothing reads the copy any more. */
void bd_btf_release(void)
{
	vfree(vb.toff);
	vfree(vb.buf);
	vb.toff = NULL;
	vb.buf = NULL;
	vb.nr = 0;
	vb.types = NULL;
	vb.strs = NULL;
}

/* What was read, or why nothing was (status, kept after the release). */
const char *bd_btf_why(void)
{
	return vb.why;
}

bool bd_btf_loaded(void)
{
	return vb.toff;
}

/* Type @id, NULL for void or an id out of range. */
const struct btf_type *bd_btf_type(u32 id)
{
	if (!id || id > vb.nr)
		return NULL;
	return (const struct btf_type *)(vb.types + vb.toff[id]);
}

const char *bd_btf_str(u32 off)
{
	return vb.strs && off < vb.str_len ? vb.strs + off : NULL;
}

/* The id of the type of @kind named @name, or -ENOENT. */
s32 bd_btf_find(const char *name, u8 kind)
{
	const struct btf_type *t;
	const char *s;
	u32 id;

	for (id = 1; id <= vb.nr; id++) {
		t = bd_btf_type(id);
		if (BTF_INFO_KIND(t->info) != kind)
			continue;
		s = bd_btf_str(t->name_off);
		if (s && !strcmp(s, name))
			return id;
	}
	return -ENOENT;
}

/*
 * The type @id names with typedefs and qualifiers seen through; NULL if
 * that is void (*id == 0) or cannot be read (*id != 0).
 */
const struct btf_type *bd_btf_strip(u32 *id)
{
	const struct btf_type *t;
	int hops;

	for (hops = 0; *id && hops < 16; hops++) {
		t = bd_btf_type(*id);
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

/* The size in bytes of type @id; 0 if it has none or cannot be told. */
u32 bd_btf_size(u32 id)
{
	const struct btf_type *t;
	const struct btf_array *a;
	u32 mult = 1;
	int hops;

	for (hops = 0; hops < 8; hops++) {
		t = bd_btf_strip(&id);
		if (!t)
			return 0;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_INT:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_FLOAT:
			return mult * t->size;
		case BTF_KIND_PTR:
			return mult * sizeof(void *);
		case BTF_KIND_ARRAY:
			a = (const struct btf_array *)(t + 1);
			mult *= a->nelems;
			id = a->type;
			continue;
		default:
			return 0;
		}
	}
	return 0;
}

/*
 * Member @name of struct or union @id, looked for in its anonymous
 * members too: its offset in bits from the start of @id, its bitfield
 * size (0 if it is none) and its type.  -ENOENT if there is none.
 */
int bd_btf_member(u32 id, const char *name, u32 *bit_off, u32 *bits, u32 *type)
{
	const struct btf_member *m;
	const struct btf_type *t;
	const char *s;
	u32 i, off, sub_bits;
	int depth;

	for (depth = 0; depth < 8; depth++) {
		t = bd_btf_strip(&id);
		if (!t || (BTF_INFO_KIND(t->info) != BTF_KIND_STRUCT &&
			   BTF_INFO_KIND(t->info) != BTF_KIND_UNION))
			return -ENOENT;
		m = btf_type_member(t);
		for (i = 0; i < btf_type_vlen(t); i++, m++) {
			s = bd_btf_str(m->name_off);
			if (s && *s) {
				if (strcmp(s, name))
					continue;
				*bit_off = __btf_member_bit_offset(t, m);
				*bits = __btf_member_bitfield_size(t, m);
				*type = m->type;
				return 0;
			}
			/* anonymous struct or union: search it (depth-first, bounded) */
			if (!bd_btf_member(m->type, name, &off, &sub_bits, type)) {
				*bit_off = __btf_member_bit_offset(t, m) + off;
				*bits = sub_bits;
				return 0;
			}
		}
		return -ENOENT;
	}
	return -ENOENT;
}
