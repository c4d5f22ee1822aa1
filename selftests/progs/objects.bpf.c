// SPDX-License-Identifier: GPL-2.0
/*
 * Allocated objects: bpf_obj_new/drop, map kptr fields (bpf_kptr_xchg),
 * percpu objects (the RCU conversion), refcounts, lists and rbtrees.
 */
#include "corpus.h"

struct item {
	long key;
	struct bpf_list_node l;
	struct bpf_rb_node r;
	struct bpf_refcount ref;
};

struct plain {
	long a, b;
};

struct pval {
	long x;
};

struct mval {
	struct plain __kptr *p;
	struct pval __percpu_kptr *pc;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct mval);
} kmap SEC(".maps");

private(A) struct bpf_spin_lock glock;
private(A) struct bpf_list_head ghead __contains(item, l);
private(A) struct bpf_rb_root groot __contains(item, r);

static bool less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct item *x = container_of(a, struct item, r);
	struct item *y = container_of(b, struct item, r);

	return x->key < y->key;
}

// expect: obj_new_drop accept since=6.2
SEC("tc")
int obj_new_drop(struct __sk_buff *skb)
{
	struct plain *p = obj_new(struct plain);

	if (!p)
		return 0;
	p->a = skb->len;
	obj_drop(p);
	return 0;
}

// expect: obj_new_leak reject "Unreleased reference" since=6.2
SEC("tc")
int obj_new_leak(struct __sk_buff *skb)
{
	struct plain *p = obj_new(struct plain);

	if (!p)
		return 0;
	p->a = skb->len;
	return 0;
}

/* Stash an object in a map kptr field; drop what was there. */
// expect: kptr_stash accept since=6.2
SEC("tc")
int kptr_stash(struct __sk_buff *skb)
{
	struct plain *p, *old;
	struct mval *v;
	int k = 0;

	v = bpf_map_lookup_elem(&kmap, &k);
	if (!v)
		return 0;
	p = obj_new(struct plain);
	if (!p)
		return 0;
	old = bpf_kptr_xchg(&v->p, p);
	if (old)
		obj_drop(old);
	return 0;
}

/* Take the object out of the map and drop it. */
// expect: kptr_unstash accept since=6.4
SEC("tc")
int kptr_unstash(struct __sk_buff *skb)
{
	struct plain *p;
	struct mval *v;
	int k = 0;

	v = bpf_map_lookup_elem(&kmap, &k);
	if (!v)
		return 0;
	p = bpf_kptr_xchg(&v->p, NULL);
	if (p)
		obj_drop(p);
	return 0;
}

/* Take it out and forget it. */
// expect: kptr_unst_leak reject "Unreleased reference" since=6.4
SEC("tc")
int kptr_unst_leak(struct __sk_buff *skb)
{
	struct plain *p;
	struct mval *v;
	int k = 0;

	v = bpf_map_lookup_elem(&kmap, &k);
	if (!v)
		return 0;
	p = bpf_kptr_xchg(&v->p, NULL);
	return p ? 1 : 0;
}

/*
 * A percpu object into a percpu kptr field from a non-sleepable program:
 * the reference becomes an RCU protected pointer
 * (ref_convert_alloc_rcu_protected on 7.2).
 */
// expect: pcpu_kptr_rcu accept since=6.6
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(pcpu_kptr_rcu)
{
	struct pval __percpu_kptr *p;
	struct mval *v;
	int k = 0;

	v = bpf_map_lookup_elem(&kmap, &k);
	if (!v)
		return 0;
	p = pcpu_new(struct pval);
	if (!p)
		return 0;
	p = bpf_kptr_xchg(&v->pc, p);
	if (p)
		pcpu_drop(p);
	return 0;
}

// expect: pcpu_leak reject "Unreleased reference" since=6.6
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(pcpu_leak)
{
	struct pval __percpu_kptr *p = pcpu_new(struct pval);

	return p ? 1 : 0;
}

/* Two owning references to one refcounted object. */
// expect: refcount_two accept since=6.4
SEC("tc")
int refcount_two(struct __sk_buff *skb)
{
	struct item *n = obj_new(struct item), *m;

	if (!n)
		return 0;
	m = refcount_acq(n);
	obj_drop(n);
	if (m)
		obj_drop(m);
	return 0;
}

// expect: refcount_leak reject "Unreleased reference" since=6.4
SEC("tc")
int refcount_leak(struct __sk_buff *skb)
{
	struct item *n = obj_new(struct item), *m;

	if (!n)
		return 0;
	m = refcount_acq(n);
	obj_drop(n);
	return m ? 1 : 0;
}

/* Owning to non-owning: bpf_list_push_front. */
// expect: list_front_ok accept since=6.2
SEC("tc")
int list_front_ok(struct __sk_buff *skb)
{
	struct item *n = obj_new(struct item);

	if (!n)
		return 0;
	n->key = skb->len;
	bpf_spin_lock(&glock);
	list_front(&ghead, &n->l);
	bpf_spin_unlock(&glock);
	return 0;
}

// expect: list_back_ok accept since=6.2
SEC("tc")
int list_back_ok(struct __sk_buff *skb)
{
	struct item *n = obj_new(struct item);

	if (!n)
		return 0;
	bpf_spin_lock(&glock);
	list_back(&ghead, &n->l);
	bpf_spin_unlock(&glock);
	return 0;
}

// expect: rbtree_add_ok accept since=6.3
SEC("tc")
int rbtree_add_ok(struct __sk_buff *skb)
{
	struct item *n = obj_new(struct item);

	if (!n)
		return 0;
	n->key = skb->len;
	bpf_spin_lock(&glock);
	rb_add(&groot, &n->r, less);
	bpf_spin_unlock(&glock);
	return 0;
}

/* Locked, but never inserted: leaked after the unlock. */
// expect: list_leak reject "Unreleased reference" since=6.2 suggest=245:246
SEC("tc")
int list_leak(struct __sk_buff *skb)
{
	struct item *n = obj_new(struct item);

	if (!n)
		return 0;
	bpf_spin_lock(&glock);
	if (skb->len > 10) {
		list_front(&ghead, &n->l);
		bpf_spin_unlock(&glock);
		return 0;
	}
	bpf_spin_unlock(&glock);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
