/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sync protocol, version 2: UDP messages between the routers of a
 * fleet, each a header, a body and a MAC, all fields in network byte
 * order but the MAC.
 *
 * The sender's boot (its clock, in nanoseconds, when sync started there)
 * and a sequence number of its own for each receiver let the receiver
 * refuse replays and see gaps: a 64-message window, as WireGuard keeps.
 * The MAC is SipHash-2-4 of the message before it, its 64 bits little
 * endian, keyed with the first 16 bytes of keyed BLAKE2s-128 of
 * "pl sync mac" under the fleet's 32-byte key. (Version 1 had keyed
 * BLAKE2s-128 in the header: twice the bytes, and three times the work.)
 *
 * Bodies:
 *   flows      records, one after another, each starting with its kind,
 *              its address family and its length, so that a receiver
 *              skips what it does not know (IPv6 records, later kinds)
 *   hello      every second: the sender's phase and configuration digest
 *   bulk-req   "send me all your flows" (joining, or a loss not repaired)
 *   bulk-end   all of them were sent, in the flows messages before it
 *   nack       "these messages of yours did not come": the highest sequence
 *              number received, and a bit for each of the 64 before it
 *   repair     one message asked for again: its sequence number, then the
 *              records of its flows as the sender knows them now
 *   probe      nothing: sent after a router's last records, so that a
 *              peer sees their loss (a gap) without waiting for a hello
 */

#ifndef _PL_SYNC_WIRE_H
#define _PL_SYNC_WIRE_H

#include <linux/types.h>

#define PL_SYNC_VERSION		2
#define PL_SYNC_MAC_LEN		8
#define PL_SYNC_MSG_MAX		1400	/* a message fits a 1500-byte MTU */

enum pl_sync_type {
	PL_SYNC_FLOWS = 1,
	PL_SYNC_HELLO,
	PL_SYNC_BULK_REQ,
	PL_SYNC_BULK_END,
	PL_SYNC_NACK,
	PL_SYNC_REPAIR,
	PL_SYNC_PROBE,
};

/* The receive window, and the sender's memory of what it sent. */
#define PL_SYNC_WINDOW		64

struct pl_sync_hdr {
	u8 version;
	u8 type;
	__be16 len;			/* of the whole message */
	__be32 node;			/* the sender's */
	__be64 boot;
	__be64 seq;			/* for this receiver, from 1 */
} __packed;			/* then the body, then the MAC */

struct pl_sync_hello {
	__be64 digest;
	__be32 flows;
	u8 phase;
	u8 pad[3];
} __packed;

struct pl_sync_nack {
	__be64 top;			/* the highest sequence number received */
	__be64 missing;			/* bit i: top - i did not come */
} __packed;

struct pl_sync_repair {
	__be64 seq;			/* the message it makes good */
} __packed;			/* then records, as in flows */

enum pl_sync_rec_kind {
	PL_SYNC_REC_FLOW = 1,
};

#define PL_SYNC_FAMILY_IPV4	4

struct pl_sync_rec {
	u8 kind;
	u8 family;
	u8 len;				/* of the whole record */
	u8 pad;
} __packed;

struct pl_sync_tuple4 {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
} __packed;

/* A flow, as its sender knows it now. */
struct pl_sync_flow4 {
	struct pl_sync_rec rec;
	u8 state;			/* enum pl_flow_state */
	u8 flags;			/* PL_FLOW_FIN_*, PL_FLOW_SEQ_REPLY */
	u8 node;			/* the router that created it */
	u8 pad;
	__be32 idle;			/* milliseconds since its last packet */
	struct pl_sync_tuple4 orig;
	struct pl_sync_tuple4 reply;
	__be32 seq[2];			/* next sequence number each way */
} __packed;

#endif /* _PL_SYNC_WIRE_H */
