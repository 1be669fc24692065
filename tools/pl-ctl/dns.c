// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl endpoint dns: the DNS names of endpoints, as /etc/hosts lines.
 * Each ENI's IP gets the endpoint's regional name and its zone's name:
 *
 *   # vpce-2: pending-acceptance
 *   10.0.1.4<TAB>vpce-1.svc1.vpce.internal vpce-1-us-east-1a.svc1.vpce.internal
 *
 * so that the regional name resolves to every ENI and each zonal name to
 * the ENI in its zone. Endpoints that are not available are listed too,
 * after a comment saying so. With -j:
 *
 *   {"metainfo":{...},
 *    "dns":[{"endpoint":"vpce-1","state":"available","ip":"10.0.1.4",
 *            "names":["vpce-1.svc1.vpce.internal",
 *                     "vpce-1-us-east-1a.svc1.vpce.internal"]}]}
 */

#include <arpa/inet.h>
#include <stdio.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "compiler.h"
#include "endpoint.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "req.h"
#include "spec.h"

struct dns_ep {
	const char *id;
	const char *svc;
	const char *state;
	char regional[PL_DNS_LEN];
};

/*
 * An ENI IP in conflict with another host or the router (see ADDRESSES in
 * pl-ctl(8)) is not pl's: its line is commented out, saying why.
 */
static const char *dns_conflict(struct nlattr **tb)
{
	__u8 kind;

	if (!tb[PL_A_ENI_ADDR_STATE] ||
	    nla_get_u8(tb[PL_A_ENI_ADDR_STATE]) != PL_ADDR_STATE_CONFLICT ||
	    !tb[PL_A_ENI_CONFLICT])
		return NULL;
	kind = nla_get_u8(tb[PL_A_ENI_CONFLICT]);
	if (kind == PL_ADDR_CONFLICT_CLAIMED)
		return NULL;		/* pl keeps serving it */
	return pl_enum_name(&pl_addr_conflicts, kind) ?: "unknown";
}

static void dns_eni(const struct dns_ep *ep, struct nlattr *nest)
{
	struct nlattr *tb[PL_A_ENI_MAX + 1];
	char zonal[PL_DNS_LEN], ip[INET_ADDRSTRLEN];
	const char *conflict;

	if (eni_parse(nest, tb))
		return;
	endpoint_dns_name(zonal, ep->id, nla_get_string(tb[PL_A_ENI_AZ]),
			  ep->svc);
	addr_str(nla_get_u32(tb[PL_A_ENI_IP]), ip);
	conflict = dns_conflict(tb);
	if (!out_json()) {
		if (conflict)
			printf("# %s: conflict %s\n# ", ip, conflict);
		printf("%s\t%s %s\n", ip, ep->regional, zonal);
		return;
	}
	out_obj_begin(NULL);
	out_str("endpoint", NULL, ep->id);
	out_str("state", NULL, ep->state);
	if (conflict)
		out_str("conflict", NULL, conflict);
	out_str("ip", NULL, ip);
	out_arr_begin("names");
	out_str(NULL, NULL, ep->regional);
	out_str(NULL, NULL, zonal);
	out_arr_end();
	out_obj_end();
}

static void dns_endpoint(struct nlmsghdr *nlh, const char *key __maybe_unused)
{
	struct nlattr *tb[PL_A_ENDPOINT_MAX + 1], *nla = NULL;
	struct dns_ep ep;
	__u8 state;

	if (endpoint_parse(nlh, tb))
		return;
	ep.id = nla_get_string(tb[PL_A_ENDPOINT_ID]);
	ep.svc = nla_get_string(tb[PL_A_ENDPOINT_SERVICE]);
	state = nla_get_u8(tb[PL_A_ENDPOINT_STATE]);
	ep.state = pl_enum_name(&pl_endpoint_states, state);
	if (!ep.state)
		ep.state = "unknown";
	endpoint_dns_name(ep.regional, ep.id, NULL, ep.svc);
	if (!out_json() && state != PL_ENDPOINT_STATE_AVAILABLE)
		printf("# %s: %s\n", ep.id, ep.state);
	while ((nla = nl_attr_next(nlh, PL_A_ENDPOINT_ENI, nla)))
		dns_eni(&ep, nla);
}

int endpoint_dns(struct pl_args *a)
{
	struct nl_msg *m;
	int err;

	m = endpoint_get(a, &err);
	return req_show(m, err, "dns", dns_endpoint);
}
