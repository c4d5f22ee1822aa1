// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the store's module parameters.  Every one has a documented
 * range; a value out of it is clamped at load, and the message says so.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include "internal.h"

unsigned int bd_max_envs = 1024;
module_param_named(max_envs, bd_max_envs, uint, 0444);
MODULE_PARM_DESC(max_envs, "Verifications kept; the oldest finished one is evicted (1024; 1-65536)");

unsigned int bd_max_events = 16384;
module_param_named(max_events, bd_max_events, uint, 0444);
MODULE_PARM_DESC(max_events, "Events kept per verification; more are counted as dropped (16384; 1-2097152)");

unsigned long bd_max_bytes = 32UL << 20;
module_param_named(max_bytes, bd_max_bytes, ulong, 0444);
MODULE_PARM_DESC(max_bytes, "Memory for the whole store in bytes (32 MiB; 64 KiB to a quarter of RAM)");

unsigned int bd_max_lines = 256;
module_param_named(max_lines, bd_max_lines, uint, 0444);
MODULE_PARM_DESC(max_lines, "Source lines kept per verification (256; 1-65534)");

unsigned int bd_max_paths = 8192;
module_param_named(max_paths, bd_max_paths, uint, 0444);
MODULE_PARM_DESC(max_paths, "Path records kept per verification (8192; 1-2097152)");

unsigned int bd_max_history = 8192;
module_param_named(max_history, bd_max_history, uint, 0444);
MODULE_PARM_DESC(max_history, "Entries in the history of the path being verified (8192; 1-2097152)");

unsigned int bd_max_walk = 1000000;
module_param_named(max_walk, bd_max_walk, uint, 0444);
MODULE_PARM_DESC(max_walk, "Instructions of a failing path walked back from its leak for its branch decisions (1000000; 0-1000000, 0: none)");

bool bd_lineage_on = true;
module_param_named(lineage, bd_lineage_on, bool, 0444);
MODULE_PARM_DESC(lineage, "Replay each leaked reference's holders along its failing path (1; 0: no lineage, for the bench)");

static void clamp_ul(const char *name, unsigned long *v, unsigned long min, unsigned long max)
{
	unsigned long to = clamp(*v, min, max);

	if (to == *v)
		return;
	pr_warn("%s=%lu is %s the %s %lu; using %lu\n", name, *v,
		*v < min ? "below" : "above", *v < min ? "minimum" : "maximum", to, to);
	*v = to;
}

static void clamp_u(const char *name, unsigned int *v, unsigned int min, unsigned int max)
{
	unsigned long l = *v;

	clamp_ul(name, &l, min, max);
	*v = l;
}

void bd_params_check(void)
{
	clamp_u("max_envs", &bd_max_envs, 1, 65536);
	clamp_u("max_events", &bd_max_events, 1, BD_CAP_RECORDS);
	clamp_ul("max_bytes", &bd_max_bytes, 64UL << 10,
		 max(64UL << 10, (totalram_pages() << PAGE_SHIFT) / 4));
	clamp_u("max_lines", &bd_max_lines, 1, BD_NO_SRC - 1);
	clamp_u("max_paths", &bd_max_paths, 1, BD_CAP_RECORDS);
	clamp_u("max_history", &bd_max_history, 1, BD_CAP_RECORDS);
	clamp_u("max_walk", &bd_max_walk, 0, 1000000);
}

void bd_params_show(struct seq_file *m)
{
	seq_printf(m, "param max_envs: %u\n", bd_max_envs);
	seq_printf(m, "param max_events: %u\n", bd_max_events);
	seq_printf(m, "param max_bytes: %lu\n", bd_max_bytes);
	seq_printf(m, "param max_lines: %u\n", bd_max_lines);
	seq_printf(m, "param max_paths: %u\n", bd_max_paths);
	seq_printf(m, "param max_history: %u\n", bd_max_history);
	seq_printf(m, "param max_walk: %u\n", bd_max_walk);
	seq_printf(m, "param lineage: %d\n", bd_lineage_on);
}
