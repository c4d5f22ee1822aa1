/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BPF_DIAG_INTERNAL_H
#define _BPF_DIAG_INTERNAL_H

#include <linux/seq_file.h>
#include <bpf_diag.h>

int bpf_diag_hooks_init(void);
void bpf_diag_hooks_exit(void);
void bpf_diag_hooks_show(struct seq_file *m);
unsigned long bpf_diag_lookup(const char *name);

#endif /* _BPF_DIAG_INTERNAL_H */
