// SPDX-License-Identifier: GPL-2.0
/*
 * A throwaway module for scripts/debug-kernel-classes: each value of
 * "defect=" commits one defect of a class the 7.2-debug kernel must
 * report, so that a change of its configuration cannot quietly lose a
 * class.  Never loaded anywhere but that kernel, by that script.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/delay.h>
#include <linux/rcupdate.h>

static char *defect = "";
module_param(defect, charp, 0444);

static DEFINE_SPINLOCK(a);
static DEFINE_SPINLOCK(b);
static DEFINE_RAW_SPINLOCK(raw);
static void *leaked;
static void __rcu *rcu_ptr;

static int __init classcheck_init(void)
{
	char *p;
	int i;

	if (!strcmp(defect, "uaf")) {			/* KASAN */
		p = kmalloc(32, GFP_KERNEL);
		kfree(p);
		pr_info("classcheck: %d\n", READ_ONCE(p[3]));
	} else if (!strcmp(defect, "oob")) {		/* KASAN */
		p = kmalloc(32, GFP_KERNEL);
		pr_info("classcheck: %d\n", READ_ONCE(p[40]));
		kfree(p);
	} else if (!strcmp(defect, "sleep")) {		/* DEBUG_ATOMIC_SLEEP */
		raw_spin_lock(&raw);
		p = kmalloc(32, GFP_ATOMIC);		/* a sleeping lock on RT */
		raw_spin_unlock(&raw);
		kfree(p);
	} else if (!strcmp(defect, "lockdep")) {	/* PROVE_LOCKING */
		spin_lock(&a);
		spin_lock(&b);
		spin_unlock(&b);
		spin_unlock(&a);
		spin_lock(&b);
		spin_lock(&a);
		spin_unlock(&a);
		spin_unlock(&b);
	} else if (!strcmp(defect, "rcu")) {		/* PROVE_RCU */
		pr_info("classcheck: %p\n", rcu_dereference(rcu_ptr));
	} else if (!strcmp(defect, "leak")) {		/* KMEMLEAK */
		/* many: a stale copy of a pointer on a stack hides one */
		for (i = 0; i < 64; i++)
			WRITE_ONCE(leaked, kmalloc(128, GFP_KERNEL));
		WRITE_ONCE(leaked, NULL);
	}
	return 0;
}

static void __exit classcheck_exit(void)
{
}

module_init(classcheck_init);
module_exit(classcheck_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bpf_diag: defects the debug kernel must report");
