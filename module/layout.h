/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel built against keeps a verifier state's
 * references, behind one interface.  Kbuild picks one implementation from
 * the headers (a feature test, not a version number):
 *
 *   layout_state.c  refs[] in struct bpf_verifier_state, typed (pointer,
 *                   lock, IRQ) with parent_id (6.14 and later)
 *   layout_frame.c  refs[] per frame in struct bpf_func_state, pointers
 *                   only (6.1 to 6.13)
 *
 * No other file knows which.  The hooks whose functions differ between
 * layouts (acquire, release, leak check) take their prototypes from here.
 */
#ifndef _BPF_DIAG_LAYOUT_H
#define _BPF_DIAG_LAYOUT_H

#include "ctx.h"
#include "hook.h"

extern const char * const bd_layout_name;
/* references have a parent_id (acquire events print parent=) */
extern const bool bd_layout_parent_ids;
/* acquires return a refs[] slot read at a later hook (bd_layout_sync) */
extern const bool bd_layout_deferred_acquire;
/* the acquire hook needs the function's return (else entry only) */
extern const bool bd_layout_acquire_returns;
extern const struct bd_proto bd_acquire_proto, bd_release_proto, bd_leak_proto;

/* Read an acquire still pending before the state can change. */
void bd_layout_sync(struct bd_ctx *c);
/* acquire_reference_state() called (!bd_layout_acquire_returns) */
void bd_layout_acquire(struct bd_ctx *c);
/* acquire_reference_state(env, @insn) returned @ret. */
void bd_layout_acquired(struct bd_ctx *c, s32 insn, unsigned long ret);
/* release_reference_state(@state, @arg) called: what it will release */
void bd_layout_release(struct bd_ctx *c, void *state, u32 arg);
/* Does the current state hold the owned reference @id? */
bool bd_layout_ref_held(struct bpf_verifier_env *env, u32 id);
/* The reference a NULL branch of @reg's check drops in @vs, or 0. */
u32 bd_layout_null_ref(struct bpf_verifier_state *vs, struct bpf_reg_state *reg);
/* release_reference(@id) failed: a child reference is still held. */
void bd_layout_child_leak(struct bd_ctx *c, u32 id);
/* The leak check starts: note what it will report; false if nothing. */
bool bd_layout_leak_scan(struct bd_ctx *c, bool exception_exit, bool check_lock);

/* The reference a register (a dynptr's stack slot: @dynptr) holds, or 0 */
u32 bd_layout_reg_ref(const struct bpf_reg_state *reg, bool dynptr);
/* does a dynptr's data or slice hold the dynptr's reference? */
extern const bool bd_layout_slices_hold;

#endif /* _BPF_DIAG_LAYOUT_H */
