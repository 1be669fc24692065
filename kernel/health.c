// SPDX-License-Identifier: GPL-2.0
/*
 * Health checks. A service's settings are a Network Load Balancer's, with
 * its defaults and its rules (a timeout less than the interval, a path
 * and a matcher for HTTP checks only); the checker in userspace reads them
 * and reports a verdict per backend: initial, healthy or unhealthy. What
 * a backend's health is then also depends on its state, its weight and its
 * zone, as a target's does (pl_backend_health()).
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "az.h"
#include "backend.h"
#include "health.h"
#include "netlink.h"
#include "service.h"

void pl_health_init(struct pl_health_cfg *cfg)
{
	*cfg = (struct pl_health_cfg) {
		.protocol = PL_HEALTH_PROTOCOL_NONE,
		.healthy_threshold = PL_HEALTH_HEALTHY,
		.unhealthy_threshold = PL_HEALTH_UNHEALTHY,
		.interval = PL_HEALTH_INTERVAL,
	};
}

void pl_health_free(struct pl_health_cfg *cfg)
{
	kfree(cfg->path);
	kfree(cfg->matcher);
	cfg->path = NULL;
	cfg->matcher = NULL;
}

static bool pl_health_http(u8 protocol)
{
	return protocol == PL_HEALTH_PROTOCOL_HTTP ||
	       protocol == PL_HEALTH_PROTOCOL_HTTPS;
}

static u32 pl_health_timeout(const struct pl_health_cfg *cfg)
{
	if (cfg->timeout)
		return cfg->timeout;
	return cfg->protocol == PL_HEALTH_PROTOCOL_HTTP ?
	       PL_HEALTH_TIMEOUT_HTTP : PL_HEALTH_TIMEOUT_TCP;
}

/* An HTTP status code, 200 to 599, at *s; *s moves past it. */
static int pl_matcher_code(const char **s)
{
	unsigned int code = 0, digits = 0;

	while (**s >= '0' && **s <= '9' && digits < 4) {
		code = code * 10 + (*(*s)++ - '0');
		digits++;
	}
	return digits && code >= 200 && code <= 599 ? code : -1;
}

/* "200", "200,202", "200-299": codes of 200 to 599, ranges low to high. */
static int pl_matcher_check(struct pl_req *req, const struct nlattr *attr)
{
	const char *s = nla_data(attr);
	int lo, hi;

	do {
		lo = pl_matcher_code(&s);
		hi = lo;
		if (lo >= 0 && *s == '-') {
			s++;
			hi = pl_matcher_code(&s);
		}
		if (lo < 0 || hi < 0 || (*s && *s != ','))
			return pl_fail(req, -EINVAL, attr,
				       "matcher \"%s\": HTTP codes are 200 to 599, as 200, 200,202 or 200-299",
				       (const char *)nla_data(attr));
		if (hi < lo)
			return pl_fail(req, -EINVAL, attr,
				       "matcher \"%s\": range %d-%d runs backwards",
				       (const char *)nla_data(attr), lo, hi);
	} while (*s && *++s);
	return 0;
}

/* A path as an HTTP request line can carry it: /, then no space. */
static int pl_path_check(struct pl_req *req, const struct nlattr *attr)
{
	const char *s = nla_data(attr);

	if (*s != '/')
		return pl_fail(req, -EINVAL, attr,
			       "health check path \"%s\" does not start with /",
			       s);
	for (; *s; s++) {
		if (*s <= ' ' || *s == 0x7f)
			return pl_fail(req, -EINVAL, attr,
				       "health check path has a space or a control character");
	}
	return 0;
}

/* The attribute's string if given, else a copy of old (NULL: none). */
static int pl_health_str(const struct nlattr *attr, const char *old,
			 char **out)
{
	if (attr)
		*out = nla_strdup(attr, GFP_KERNEL_ACCOUNT);
	else if (old)
		*out = kstrdup(old, GFP_KERNEL_ACCOUNT);
	else
		return 0;
	return *out ? 0 : -ENOMEM;
}

/* The numbers of a health nest, over those of cfg. */
static void pl_health_numbers(struct nlattr **tb, struct pl_health_cfg *cfg)
{
	if (tb[PL_A_HEALTH_PROTOCOL])
		cfg->protocol = nla_get_u8(tb[PL_A_HEALTH_PROTOCOL]);
	if (tb[PL_A_HEALTH_PORT])
		cfg->port = nla_get_u16(tb[PL_A_HEALTH_PORT]);
	if (tb[PL_A_HEALTH_INTERVAL])
		cfg->interval = nla_get_u32(tb[PL_A_HEALTH_INTERVAL]);
	if (tb[PL_A_HEALTH_TIMEOUT])
		cfg->timeout = nla_get_u32(tb[PL_A_HEALTH_TIMEOUT]);
	if (tb[PL_A_HEALTH_HEALTHY_THRESHOLD])
		cfg->healthy_threshold =
			nla_get_u8(tb[PL_A_HEALTH_HEALTHY_THRESHOLD]);
	if (tb[PL_A_HEALTH_UNHEALTHY_THRESHOLD])
		cfg->unhealthy_threshold =
			nla_get_u8(tb[PL_A_HEALTH_UNHEALTHY_THRESHOLD]);
}

/* The rules that tie the settings together. */
static int pl_health_rules(struct pl_req *req, struct nlattr **tb,
			   const struct nlattr *nest,
			   const struct pl_health_cfg *cfg)
{
	u32 timeout = pl_health_timeout(cfg);
	int i;

	for (i = PL_A_HEALTH_PORT; i <= PL_A_HEALTH_MAX; i++) {
		if (tb[i] && cfg->protocol == PL_HEALTH_PROTOCOL_NONE)
			return pl_fail(req, -EINVAL, tb[i],
				       "health checks are off: give them a protocol");
	}
	for (i = PL_A_HEALTH_PATH; i <= PL_A_HEALTH_MATCHER; i++) {
		if (tb[i] && !pl_health_http(cfg->protocol))
			return pl_fail(req, -EINVAL, tb[i],
				       "a health check %s needs protocol http or https",
				       i == PL_A_HEALTH_PATH ? "path" : "matcher");
	}
	if (tb[PL_A_HEALTH_TIMEOUT] && cfg->timeout && cfg->timeout < 2)
		return pl_fail(req, -EINVAL, tb[PL_A_HEALTH_TIMEOUT],
			       "health check timeout is 2 to 120 seconds");
	if (timeout >= cfg->interval)
		return pl_fail(req, -EINVAL, nest,
			       "health check timeout (%u s) must be less than its interval (%u s)",
			       timeout, cfg->interval);
	return 0;
}

/*
 * The settings old would have with the nest's members (NULL: none) in
 * cfg, checked whole. Returns 0, or an error with nothing to free.
 */
int pl_health_parse(struct pl_req *req, const struct nlattr *nest,
		    const struct pl_health_cfg *old, struct pl_health_cfg *cfg)
{
	struct nlattr *tb[PL_A_HEALTH_MAX + 1] = {};
	int err;

	*cfg = *old;
	cfg->path = NULL;
	cfg->matcher = NULL;
	if (nest) {
		err = nla_parse_nested(tb, PL_A_HEALTH_MAX, nest,
				       pl_health_nl_policy, req->info->extack);
		if (err)
			return err;
	}
	pl_health_numbers(tb, cfg);
	err = pl_health_rules(req, tb, nest, cfg);
	if (!err && tb[PL_A_HEALTH_PATH])
		err = pl_path_check(req, tb[PL_A_HEALTH_PATH]);
	if (!err && tb[PL_A_HEALTH_MATCHER])
		err = pl_matcher_check(req, tb[PL_A_HEALTH_MATCHER]);
	if (err)
		return err;
	if (cfg->protocol == PL_HEALTH_PROTOCOL_NONE) {
		pl_health_init(cfg);	/* off: back to the defaults */
		return 0;
	}
	cfg->timeout = pl_health_timeout(cfg);
	if (!pl_health_http(cfg->protocol))
		return 0;	/* tcp: no path, no matcher */
	err = pl_health_str(tb[PL_A_HEALTH_PATH], old->path ?: "/",
			    &cfg->path) ?:
	      pl_health_str(tb[PL_A_HEALTH_MATCHER], old->matcher ?: "200-399",
			    &cfg->matcher);
	if (err)
		pl_health_free(cfg);
	return err;
}

/* Put cfg (from pl_health_parse()) in place of cur: whether it differs. */
bool pl_health_replace(struct pl_health_cfg *cur, struct pl_health_cfg *cfg)
{
	bool changed = cur->protocol != cfg->protocol ||
		       cur->port != cfg->port ||
		       cur->interval != cfg->interval ||
		       cur->timeout != cfg->timeout ||
		       cur->healthy_threshold != cfg->healthy_threshold ||
		       cur->unhealthy_threshold != cfg->unhealthy_threshold ||
		       strcmp(cur->path ?: "", cfg->path ?: "") ||
		       strcmp(cur->matcher ?: "", cfg->matcher ?: "");

	pl_health_free(cur);
	WRITE_ONCE(cur->protocol, cfg->protocol);
	cur->port = cfg->port;
	cur->interval = cfg->interval;
	cur->timeout = cfg->timeout;
	cur->healthy_threshold = cfg->healthy_threshold;
	cur->unhealthy_threshold = cfg->unhealthy_threshold;
	cur->path = cfg->path;
	cur->matcher = cfg->matcher;
	return changed;
}

/* The settings as replies carry them: every member, defaults filled in. */
int pl_health_fill(struct sk_buff *skb, const struct pl_health_cfg *cfg)
{
	bool http = pl_health_http(cfg->protocol);
	struct nlattr *nest = nla_nest_start(skb, PL_A_SERVICE_HEALTH);

	if (!nest ||
	    nla_put_u8(skb, PL_A_HEALTH_PROTOCOL, cfg->protocol) ||
	    nla_put_u16(skb, PL_A_HEALTH_PORT, cfg->port) ||
	    (http && nla_put_string(skb, PL_A_HEALTH_PATH, cfg->path ?: "/")) ||
	    (http && nla_put_string(skb, PL_A_HEALTH_MATCHER,
				    cfg->matcher ?: "200-399")) ||
	    nla_put_u32(skb, PL_A_HEALTH_INTERVAL, cfg->interval) ||
	    nla_put_u32(skb, PL_A_HEALTH_TIMEOUT, pl_health_timeout(cfg)) ||
	    nla_put_u8(skb, PL_A_HEALTH_HEALTHY_THRESHOLD,
		       cfg->healthy_threshold) ||
	    nla_put_u8(skb, PL_A_HEALTH_UNHEALTHY_THRESHOLD,
		       cfg->unhealthy_threshold))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Whether a backend's health lets it take new flows: it passed its checks,
 * or its service has none. Called under RCU, or with the lock held.
 */
bool pl_backend_fit(const struct pl_service *svc, const struct pl_backend *b)
{
	return READ_ONCE(svc->health.protocol) == PL_HEALTH_PROTOCOL_NONE ||
	       READ_ONCE(b->health) == PL_HEALTH_STATE_HEALTHY;
}

/* A backend's health as a target's is reported, and its reason. */
u8 pl_backend_health(const struct pl_backend *b, u8 *reason)
{
	if (b->svc->health.protocol == PL_HEALTH_PROTOCOL_NONE) {
		*reason = PL_HEALTH_REASON_HEALTH_CHECK_DISABLED;
		return PL_HEALTH_STATE_UNAVAILABLE;
	}
	if (b->state == PL_BACKEND_STATE_DRAIN) {
		*reason = PL_HEALTH_REASON_DEREGISTRATION_IN_PROGRESS;
		return PL_HEALTH_STATE_DRAINING;
	}
	if (!b->weight || b->az->state != PL_AZ_STATE_UP) {
		*reason = PL_HEALTH_REASON_NOT_IN_USE;
		return PL_HEALTH_STATE_UNUSED;
	}
	switch (b->health) {
	case PL_HEALTH_STATE_HEALTHY:
		*reason = PL_HEALTH_REASON_NONE;
		break;
	case PL_HEALTH_STATE_UNHEALTHY:
		*reason = b->health_reason;
		break;
	default:
		*reason = PL_HEALTH_REASON_INITIAL_HEALTH_CHECKING;
	}
	return b->health;
}
