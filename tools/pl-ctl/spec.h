/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names from the YNL spec of the pl family: attribute names (to say which
 * attribute the kernel refused) and enum names (for arguments and output);
 * and the ranges its checks give numbers, for pl-ctl to check them first.
 */

#ifndef PL_CTL_SPEC_H
#define PL_CTL_SPEC_H

#include <linux/types.h>

struct pl_set;

struct pl_attr {
	const char *name;
	const struct pl_set *nest;	/* the set of a nested attribute */
};

/* An attribute set, indexed by attribute type. */
struct pl_set {
	int max;
	const struct pl_attr *attrs;
};

struct pl_enum {
	const char *const *names;
	unsigned int n;
};

/* The values an attribute takes, from its checks in the spec. */
struct pl_range {
	__u32 min;
	__u32 max;
};

extern const struct pl_range pl_port_range;
extern const struct pl_range pl_weight_range;
extern const struct pl_range pl_idle_timeout_range;
extern const struct pl_range pl_subnet_len_range;
extern const struct pl_range pl_subnet_len6_range;
extern const struct pl_range pl_max_azs_range;
extern const struct pl_range pl_limit_range;
extern const struct pl_range pl_health_interval_range;
extern const struct pl_range pl_health_timeout_range;
extern const struct pl_range pl_health_threshold_range;
extern const struct pl_range pl_sync_node_range;

extern const struct pl_enum pl_az_states;
extern const struct pl_enum pl_acceptances;
extern const struct pl_enum pl_endpoint_states;
extern const struct pl_enum pl_ip_address_types;
extern const struct pl_enum pl_backend_states;
extern const struct pl_enum pl_on_off;
extern const struct pl_enum pl_flow_states;
extern const struct pl_enum pl_stats_scopes;
extern const struct pl_enum pl_addr_states;
extern const struct pl_enum pl_addr_conflicts;
extern const struct pl_enum pl_health_protocols;
extern const struct pl_enum pl_health_states;
extern const struct pl_enum pl_health_reasons;
extern const struct pl_enum pl_sync_states;
extern const struct pl_enum pl_sync_phases;
extern const struct pl_enum pl_drop_reasons;

const struct pl_set *pl_cmd_set(int cmd);
const char *pl_attr_name(const struct pl_set *set, int type);
const struct pl_set *pl_attr_nest(const struct pl_set *set, int type);
const char *pl_enum_name(const struct pl_enum *e, unsigned int v);

#endif /* PL_CTL_SPEC_H */
