/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The health checker's targets (targets.c): the backends it probes, found
 * by service and address, in a table that each reading of the
 * configuration brings up to date.
 */

#ifndef PL_CTL_CHECKER_H
#define PL_CTL_CHECKER_H

#include <stddef.h>

#include <linux/types.h>

#include "probe.h"

struct hc;
struct nlmsghdr;

struct hc_target {
	struct hc *hc;
	struct hc_target *hnext;	/* in its hash bucket */
	struct hc_target *dprev;	/* in the dead list */
	struct hc_target *dnext;
	size_t index;			/* in the table's v */
	char *svc;
	__u32 addr;			/* network order */
	struct probe_spec spec;
	char *path;			/* spec.path's */
	unsigned int interval_ms;
	__u8 healthy;			/* thresholds */
	__u8 unhealthy;
	__u8 verdict;			/* enum pl_health_state */
	__u8 reason;			/* enum pl_health_reason */
	__u16 code;
	__u8 passes;			/* in a row */
	__u8 fails;
	long long due;			/* next probe, ms (CLOCK_MONOTONIC) */
	int inflight;
	int dead;			/* gone from the table, probe in flight */
	int seen;			/* in this reading */
};

struct hc_map {
	struct hc_target **buckets;
	size_t nb;
	struct hc_target **v;		/* every target, for the scheduler */
	size_t n;
	size_t cap;
	struct hc_target *dead;
};

int hc_map_sync(struct hc_map *map, struct hc *hc, long long now);
int hc_own_event(struct hc_map *map, struct nlmsghdr *nlh);
void hc_map_clear(struct hc_map *map);
void hc_map_free(struct hc_map *map);
void hc_target_free(struct hc_target *t);
void hc_target_done(struct hc_map *map, struct hc_target *t);
void hc_tell(struct hc *hc, struct hc_target *t);

#endif /* PL_CTL_CHECKER_H */
