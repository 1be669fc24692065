// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: kept per CPU where the packets are, summed when asked for.
 * The namespace counts everything that crossed it, so its counters never
 * go back when an object goes. stats-netlink.c dumps them.
 */

#include <linux/percpu.h>

#include "endpoint.h"
#include "net.h"
#include "stats.h"

void pl_count_drop(struct pl_net *pn, struct pl_eni *eni, enum pl_drop why)
{
	this_cpu_inc(pn->stats->drops[why]);
	if (eni)
		this_cpu_inc(eni->stats->drops[why]);
}

struct pl_counters __percpu *pl_counters_alloc(void)
{
	return alloc_percpu_gfp(struct pl_counters, GFP_KERNEL_ACCOUNT);
}

void pl_counters_free(struct pl_counters __percpu *c)
{
	free_percpu(c);
}

/* Add up the counters of every CPU, and their drops if asked to. */
void pl_sum_add(struct pl_sum *sum, struct pl_counters __percpu *c, bool drops)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct pl_counters *p = per_cpu_ptr(c, cpu);

		sum->c.open += p->open;
		sum->c.new_conns += p->new_conns;
		sum->c.bytes += p->bytes;
		sum->c.packets += p->packets;
		sum->c.rst_rx += p->rst_rx;
		sum->c.zone_fallbacks += p->zone_fallbacks;
		sum->c.address_conflicts += p->address_conflicts;
		for (i = 0; drops && i < PL_DROP_MAX; i++)
			sum->c.drops[i] += p->drops[i];
	}
}

/* Add an ENI's drops, and its traffic if asked to. */
void pl_sum_eni(struct pl_sum *sum, struct pl_eni *eni, bool traffic)
{
	struct pl_sum one = {};
	int i;

	pl_sum_add(&one, eni->stats, true);
	if (traffic) {
		sum->c.open += one.c.open;
		sum->c.new_conns += one.c.new_conns;
		sum->c.bytes += one.c.bytes;
		sum->c.packets += one.c.packets;
		sum->c.rst_rx += one.c.rst_rx;
		sum->c.zone_fallbacks += one.c.zone_fallbacks;
		sum->c.address_conflicts += one.c.address_conflicts;
	}
	for (i = 0; i < PL_DROP_MAX; i++)
		sum->c.drops[i] += one.c.drops[i];
}
