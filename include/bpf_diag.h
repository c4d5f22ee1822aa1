/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_diag: names shared by the module and the user-space tools.
 */
#ifndef _BPF_DIAG_H
#define _BPF_DIAG_H

#define BPF_DIAG_VERSION	"0.1.0"
#define BPF_DIAG_DIR		"bpf_diag"	/* under /sys/kernel/debug */

#endif /* _BPF_DIAG_H */
