// SPDX-License-Identifier: GPL-2.0
/*
 * The state of one of pl's addresses (an ENI IP or a source address), as
 * endpoint show and service show print it:
 *
 *   state available
 *   state probing
 *   state conflict in-use mac 02:00:00:00:00:0a
 *   state conflict local dev eth1
 *   {"state":"conflict","conflict":"in-use","conflict-mac":"02:..."}
 */

#include <net/if.h>
#include <stdio.h>

#include <linux/if_ether.h>

#include "objects.h"
#include "out.h"
#include "spec.h"

void addr_state_print(struct nlattr *state, struct nlattr *conflict,
		      struct nlattr *mac, struct nlattr *ifindex)
{
	char buf[3 * ETH_ALEN], dev[IF_NAMESIZE];
	const unsigned char *m;

	if (!state)
		return;
	out_enum("state", "state", &pl_addr_states, nla_get_u8(state));
	if (conflict)
		out_enum("conflict", NULL, &pl_addr_conflicts,
			 nla_get_u8(conflict));
	if (mac && nla_len(mac) == ETH_ALEN) {
		m = nla_data(mac);
		snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		out_str("conflict-mac", "mac", buf);
	}
	if (ifindex) {
		if (out_json())
			out_u32("conflict-ifindex", NULL, nla_get_u32(ifindex));
		out_str("conflict-dev", "dev",
			subnet_dev(nla_get_u32(ifindex), dev));
	}
}
