// SPDX-License-Identifier: GPL-2.0
/*
 * Program-allocated objects: bpf_obj_new/bpf_obj_drop, kptr stashing with
 * bpf_kptr_xchg (plain and per-CPU objects, the latter turning into an
 * RCU-protected pointer when stashed inside an RCU read section),
 * bpf_refcount_acquire, and the owning to non-owning conversion of
 * bpf_list_push_front/back and bpf_rbtree_add under a bpf_spin_lock.
 */
#include "corpus2.h"

volatile long knob;

struct item {
	long key;
	long data;
	struct bpf_list_node lnode;
};

struct ritem {
	long key;
	long data;
	struct bpf_rb_node rnode;
	struct bpf_refcount ref;
};

struct pcpu_val {
	long a;
	long b;
};

struct kslot {
	struct item __kptr *item;
	struct pcpu_val __percpu_kptr *pc;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct kslot);
} slots SEC(".maps");

private(L) struct bpf_spin_lock llock;
private(L) struct bpf_list_head lhead __contains(item, lnode);

private(R) struct bpf_spin_lock rlock;
private(R) struct bpf_rb_root rroot __contains(ritem, rnode);

static __always_inline struct kslot *get_slot(void)
{
	int key = 0;

	return bpf_map_lookup_elem(&slots, &key);
}

/* --- bpf_obj_new / bpf_obj_drop ---------------------------------------- */

// expect: obj_new_drop2 accept since=6.2
SEC("tc")
int obj_new_drop2(struct __sk_buff *skb)
{
	struct item *it = bpf_obj_new(struct item);

	if (!it)
		return TC_ACT_OK;
	it->key = skb->len;
	knob = it->key;
	bpf_obj_drop(it);
	return TC_ACT_OK;
}

// expect: obj_new_leak2 reject "Unreleased reference" since=6.2
SEC("tc")
int obj_new_leak2(struct __sk_buff *skb)
{
	struct item *it = bpf_obj_new(struct item);

	if (!it)
		return TC_ACT_OK;
	it->key = skb->len;
	return TC_ACT_OK;
}

/* --- bpf_kptr_xchg with a local object ------------------------------- */

// expect: kptr_stash2 accept since=6.2
SEC("tc")
int kptr_stash2(struct __sk_buff *skb)
{
	struct item *it, *old;
	struct kslot *s = get_slot();

	if (!s)
		return TC_ACT_OK;
	it = bpf_obj_new(struct item);
	if (!it)
		return TC_ACT_OK;
	it->key = skb->len;
	old = bpf_kptr_xchg(&s->item, it);
	if (old)
		bpf_obj_drop(old);
	return TC_ACT_OK;
}

// expect: kptr_unstash2 accept since=6.4
SEC("tc")
int kptr_unstash2(struct __sk_buff *skb)
{
	struct kslot *s = get_slot();
	struct item *it;

	if (!s)
		return TC_ACT_OK;
	it = bpf_kptr_xchg(&s->item, NULL);
	if (!it)
		return TC_ACT_OK;
	knob = it->key;
	bpf_obj_drop(it);
	return TC_ACT_OK;
}

/* The old object swapped out of the map is dropped on the floor. */
// expect: kptr_old_leak reject "Unreleased reference" since=6.2
SEC("tc")
int kptr_old_leak(struct __sk_buff *skb)
{
	struct item *it, *old;
	struct kslot *s = get_slot();

	if (!s)
		return TC_ACT_OK;
	it = bpf_obj_new(struct item);
	if (!it)
		return TC_ACT_OK;
	old = bpf_kptr_xchg(&s->item, it);
	if (old)
		knob = old->key;
	return TC_ACT_OK;
}

/* --- per-CPU objects, RCU-protected after the xchg ------------------- */

/* In a non-sleepable program (an implicit RCU read section), stashing a
 * per-CPU object converts the program's own pointer into an RCU-protected
 * one instead of invalidating it: it stays usable after the xchg. */
// expect: pcpu_rcu_xchg accept since=6.6
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(pcpu_rcu_xchg, int a)
{
	struct pcpu_val __percpu_kptr *p, *old;
	struct pcpu_val *v;
	struct kslot *s = get_slot();

	if (!s)
		return 0;
	p = bpf_percpu_obj_new(struct pcpu_val);
	if (!p)
		return 0;
	old = bpf_kptr_xchg(&s->pc, p);
	if (old)
		bpf_percpu_obj_drop(old);
	v = bpf_this_cpu_ptr(p);
	v->a = a;
	v = bpf_per_cpu_ptr(p, 0);
	if (v)
		knob = v->b;
	return 0;
}

/* The same in a sleepable program, inside bpf_rcu_read_lock(). */
// expect: pcpu_rcu_sleep accept since=6.6
SEC("fentry.s/bpf_fentry_test1")
int BPF_PROG(pcpu_rcu_sleep, int a)
{
	struct pcpu_val __percpu_kptr *p, *old;
	struct pcpu_val *v;
	struct kslot *s = get_slot();

	if (!s)
		return 0;
	bpf_rcu_read_lock();
	p = bpf_percpu_obj_new(struct pcpu_val);
	if (!p)
		goto out;
	old = bpf_kptr_xchg(&s->pc, p);
	if (old)
		bpf_percpu_obj_drop(old);
	v = bpf_this_cpu_ptr(p);
	v->a = a;
out:
	bpf_rcu_read_unlock();
	return 0;
}

/* Sleepable, no RCU section: the xchg releases the reference and the
 * pointer dies with it (becomes a scalar), so the later use is rejected. */
// expect: pcpu_norcu_use reject "R1 type=scalar expected=percpu_ptr_" since=6.6
SEC("fentry.s/bpf_fentry_test1")
int BPF_PROG(pcpu_norcu_use, int a)
{
	struct pcpu_val __percpu_kptr *p, *old;
	struct pcpu_val *v;
	struct kslot *s = get_slot();

	if (!s)
		return 0;
	p = bpf_percpu_obj_new(struct pcpu_val);
	if (!p)
		return 0;
	old = bpf_kptr_xchg(&s->pc, p);
	if (old)
		bpf_percpu_obj_drop(old);
	v = bpf_this_cpu_ptr(p);
	v->a = a;
	return 0;
}

// expect: pcpu_new_leak reject "Unreleased reference" since=6.6
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(pcpu_new_leak, int a)
{
	struct pcpu_val __percpu_kptr *p = bpf_percpu_obj_new(struct pcpu_val);

	if (!p)
		return 0;
	knob = a;	/* p is neither stashed nor dropped */
	return 0;
}

/* --- bpf_list_push_front / push_back / pop ---------------------------- */

// expect: list_push accept since=6.2
SEC("tc")
int list_push(struct __sk_buff *skb)
{
	struct item *a, *b;

	a = bpf_obj_new(struct item);
	if (!a)
		return TC_ACT_OK;
	b = bpf_obj_new(struct item);
	if (!b) {
		bpf_obj_drop(a);
		return TC_ACT_OK;
	}
	a->key = 1;
	b->key = 2;
	bpf_spin_lock(&llock);
	bpf_list_push_front(&lhead, &a->lnode);
	bpf_list_push_back(&lhead, &b->lnode);
	/* a and b are non-owning references until the unlock */
	knob = a->key + b->key;
	bpf_spin_unlock(&llock);
	return TC_ACT_OK;
}

/* Pushed on one branch only: the other branch leaks the new object. */
// expect: list_push_leak reject "Unreleased reference" since=6.2 suggest=267:268
SEC("tc")
int list_push_leak(struct __sk_buff *skb)
{
	struct item *a = bpf_obj_new(struct item);

	if (!a)
		return TC_ACT_OK;
	bpf_spin_lock(&llock);
	if (skb->len > 64)
		bpf_list_push_back(&lhead, &a->lnode);
	bpf_spin_unlock(&llock);
	return TC_ACT_OK;
}

// expect: list_pop_drop accept since=6.2
SEC("tc")
int list_pop_drop(struct __sk_buff *skb)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&llock);
	n = bpf_list_pop_front(&lhead);
	bpf_spin_unlock(&llock);
	if (!n)
		return TC_ACT_OK;
	knob = container_of(n, struct item, lnode)->key;
	bpf_obj_drop(container_of(n, struct item, lnode));
	return TC_ACT_OK;
}

// expect: list_pop_leak reject "Unreleased reference" since=6.2
SEC("tc")
int list_pop_leak(struct __sk_buff *skb)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&llock);
	n = bpf_list_pop_back(&lhead);
	bpf_spin_unlock(&llock);
	if (n)
		knob = container_of(n, struct item, lnode)->key;
	return TC_ACT_OK;
}

/* --- bpf_rbtree_add / remove, bpf_refcount_acquire -------------------- */

static bool ritem_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct ritem *x = container_of(a, struct ritem, rnode);
	struct ritem *y = container_of(b, struct ritem, rnode);

	return x->key < y->key;
}

// expect: rb_add accept since=6.3
SEC("tc")
int rb_add(struct __sk_buff *skb)
{
	struct ritem *n = bpf_obj_new(struct ritem);

	if (!n)
		return TC_ACT_OK;
	n->key = skb->len;
	bpf_spin_lock(&rlock);
	bpf_rbtree_add(&rroot, &n->rnode, ritem_less);
	knob = n->key;		/* non-owning reference, valid until unlock */
	bpf_spin_unlock(&rlock);
	return TC_ACT_OK;
}

// expect: rb_remove_drop accept since=6.3
SEC("tc")
int rb_remove_drop(struct __sk_buff *skb)
{
	struct bpf_rb_node *first, *n;

	bpf_spin_lock(&rlock);
	first = bpf_rbtree_first(&rroot);
	if (!first) {
		bpf_spin_unlock(&rlock);
		return TC_ACT_OK;
	}
	n = bpf_rbtree_remove(&rroot, first);
	bpf_spin_unlock(&rlock);
	if (!n)
		return TC_ACT_OK;
	bpf_obj_drop(container_of(n, struct ritem, rnode));
	return TC_ACT_OK;
}

// expect: rb_remove_leak reject "Unreleased reference" since=6.3
SEC("tc")
int rb_remove_leak(struct __sk_buff *skb)
{
	struct bpf_rb_node *first, *n;

	bpf_spin_lock(&rlock);
	first = bpf_rbtree_first(&rroot);
	if (!first) {
		bpf_spin_unlock(&rlock);
		return TC_ACT_OK;
	}
	n = bpf_rbtree_remove(&rroot, first);
	bpf_spin_unlock(&rlock);
	if (n)
		knob = container_of(n, struct ritem, rnode)->key;
	return TC_ACT_OK;
}

/* A second owning reference: from the owning one before the add, and from
 * the non-owning one after it (the latter may be NULL). */
// expect: refc_acquire accept since=6.4
SEC("tc")
int refc_acquire(struct __sk_buff *skb)
{
	struct ritem *n, *m, *k;

	n = bpf_obj_new(struct ritem);
	if (!n)
		return TC_ACT_OK;
	m = bpf_refcount_acquire(n);
	m->data = 7;
	bpf_spin_lock(&rlock);
	bpf_rbtree_add(&rroot, &n->rnode, ritem_less);
	k = bpf_refcount_acquire(n);
	bpf_spin_unlock(&rlock);
	bpf_obj_drop(m);
	if (k)
		bpf_obj_drop(k);
	return TC_ACT_OK;
}

// expect: refc_leak reject "Unreleased reference" since=6.4
SEC("tc")
int refc_leak(struct __sk_buff *skb)
{
	struct ritem *n, *m;

	n = bpf_obj_new(struct ritem);
	if (!n)
		return TC_ACT_OK;
	m = bpf_refcount_acquire(n);
	bpf_spin_lock(&rlock);
	bpf_rbtree_add(&rroot, &n->rnode, ritem_less);
	bpf_spin_unlock(&rlock);
	knob = m->key;		/* m leaks */
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
