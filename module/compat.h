/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_diag builds against several stock kernels from one tree; this header
 * fills in what older ones lack.
 */
#ifndef _BPF_DIAG_COMPAT_H
#define _BPF_DIAG_COMPAT_H

#include <linux/slab.h>
#include <linux/workqueue.h>

/*
 * kmalloc_obj()/kzalloc_obj() arrived after 6.12.  checkpatch asks for
 * them, and this fallback is the one place that spells out the sizeof.
 */
#ifndef kmalloc_obj
#define kmalloc_obj(P, GFP)	kmalloc(sizeof(P), GFP)
#define kzalloc_obj(P, GFP)	kzalloc(sizeof(P), GFP)
#endif

/* The unbound system workqueue: system_dfl_wq where the kernel has it. */
#ifdef BD_HAVE_SYSTEM_DFL_WQ
#define bd_unbound_wq	system_dfl_wq
#else
#define bd_unbound_wq	system_unbound_wq
#endif

/*
 * Entry hooks through an ftrace_ops of bpf_diag's own (hooks.c): where
 * ftrace saves the argument registers in a struct pt_regs (x86-64 with
 * DYNAMIC_FTRACE_WITH_ARGS), its regs; the accessor is newer than 6.1.
 */
#if defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS) && defined(CONFIG_X86_64)
#include <linux/ftrace.h>
static __always_inline struct pt_regs *bd_ftrace_regs(struct ftrace_regs *fregs)
{
#ifdef BD_HAVE_ARCH_FTRACE_REGS
	return &arch_ftrace_regs(fregs)->regs;
#else
	return &fregs->regs;
#endif
}
#endif

#endif /* _BPF_DIAG_COMPAT_H */
