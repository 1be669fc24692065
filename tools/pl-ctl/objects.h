/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the object files share with monitor, save and dns: parsing a reply
 * or notification into attributes, and printing it as show does. A print
 * function writes one object, as a JSON value under key (NULL in a list).
 */

#ifndef PL_CTL_OBJECTS_H
#define PL_CTL_OBJECTS_H

#include <stdio.h>

#include <linux/pl.h>
#include <netlink/attr.h>

struct nlmsghdr;
struct pl_args;

int az_parse(struct nlmsghdr *nlh, struct nlattr **tb);
void az_print(struct nlmsghdr *nlh, const char *key);

int subnet_parse(struct nlmsghdr *nlh, struct nlattr **tb);
void subnet_print(struct nlmsghdr *nlh, const char *key);
const char *subnet_dev(__u32 ifindex, char *buf);

int service_parse(struct nlmsghdr *nlh, struct nlattr **tb);
void service_print(struct nlmsghdr *nlh, const char *key);
int listener_parse(struct nlattr *nest, __u16 *port, __u16 *target);
int source_parse(struct nlattr *nest, char *buf, const char **az);

int backend_parse(struct nlmsghdr *nlh, struct nlattr **tb);
void backend_print(struct nlmsghdr *nlh, const char *key);

int endpoint_parse(struct nlmsghdr *nlh, struct nlattr **tb);
void endpoint_print(struct nlmsghdr *nlh, const char *key);
int eni_parse(struct nlattr *nest, struct nlattr **tb);
int prefix_parse(struct nlattr *nest, __u32 *addr, __u8 *len);
#define PREFIX_TEXT_LEN	(46 + 4)	/* INET6_ADDRSTRLEN + "/128" */
int prefix_text(struct nlattr *nest, char *buf);
int endpoint_dns(struct pl_args *a);
void dns_print(struct nlmsghdr *nlh, const char *key);

int save_config(FILE *f);

#define PL_DIGEST_LEN	17	/* 16 hex digits */

int config_parse(struct nlmsghdr *nlh, struct nlattr **tb);
void config_print(struct nlmsghdr *nlh, const char *key);
const char *config_digest_str(__u64 digest, char *buf);
int config_get(__u32 *generation, __u64 *digest, __u64 *fingerprint);

int limits_parse(struct nlmsghdr *nlh, struct nlattr **tb);
void limits_print(struct nlmsghdr *nlh, const char *key);

void flow_print(struct nlmsghdr *nlh, const char *key);

void sync_print(struct nlmsghdr *nlh, const char *key);
const char *sync_action(struct nlmsghdr *nlh);

void addr_state_print(struct nlattr *state, struct nlattr *conflict,
		      struct nlattr *mac, struct nlattr *ifindex);

#endif /* PL_CTL_OBJECTS_H */
