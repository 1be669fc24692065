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

/* n sets of counters in one allocation, freed by freeing the first. */
struct pl_counters __percpu *pl_counters_alloc(unsigned int n)
{
	return (struct pl_counters __percpu *)
	       __alloc_percpu_gfp(n * sizeof(struct pl_counters),
				  __alignof__(struct pl_counters),
				  GFP_KERNEL_ACCOUNT);
}

void pl_counters_free(struct pl_counters __percpu *c)
{
	free_percpu(c);
}

struct pl_traffic __percpu *pl_traffic_alloc(void)
{
	return alloc_percpu_gfp(struct pl_traffic, GFP_KERNEL_ACCOUNT);
}

void pl_traffic_free(struct pl_traffic __percpu *t)
{
	free_percpu(t);
}

/* Add up the traffic counters of every CPU. */
void pl_sum_traffic(struct pl_sum *sum, struct pl_traffic __percpu *t)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct pl_traffic *p = per_cpu_ptr(t, cpu);

		sum->c.t.open += p->open;
		sum->c.t.new_conns += p->new_conns;
		sum->c.t.bytes += p->bytes;
		sum->c.t.packets += p->packets;
		sum->c.t.rst_rx += p->rst_rx;
		sum->c.t.zone_fallbacks += p->zone_fallbacks;
	}
}

/* Add up all the counters of every CPU. */
void pl_sum_add(struct pl_sum *sum, struct pl_counters __percpu *c)
{
	int cpu, i;

	pl_sum_traffic(sum, &c->t);
	for_each_possible_cpu(cpu) {
		const struct pl_counters *p = per_cpu_ptr(c, cpu);

		sum->c.address_conflicts += p->address_conflicts;
		sum->c.fast_path += p->fast_path;
		for (i = 0; i < PL_DROP_MAX; i++)
			sum->c.drops[i] += p->drops[i];
	}
}

/* Add an ENI's drops, and its traffic if asked to. */
void pl_sum_eni(struct pl_sum *sum, struct pl_eni *eni, bool traffic)
{
	struct pl_sum one = {};
	int i;

	pl_sum_add(&one, eni->stats);
	if (traffic) {
		sum->c.t.open += one.c.t.open;
		sum->c.t.new_conns += one.c.t.new_conns;
		sum->c.t.bytes += one.c.t.bytes;
		sum->c.t.packets += one.c.t.packets;
		sum->c.t.rst_rx += one.c.t.rst_rx;
		sum->c.t.zone_fallbacks += one.c.t.zone_fallbacks;
		sum->c.address_conflicts += one.c.address_conflicts;
	}
	for (i = 0; i < PL_DROP_MAX; i++)
		sum->c.drops[i] += one.c.drops[i];
}
