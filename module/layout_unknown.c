// SPDX-License-Identifier: GPL-2.0
/* Built only when Kbuild found neither layout of layout.h in the headers. */
#error "bpf_diag supports refs[] per frame (6.1-6.13) or in bpf_verifier_state (6.14-7.3)"
