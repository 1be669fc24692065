// SPDX-License-Identifier: GPL-2.0
/*
 * plgen: the benchmark's TCP packet generator, on AF_PACKET.
 *
 * It plays many clients at once toward one or more *targets* (a router
 * configuration each, see tools/bench/guest.sh). Tuple I of a target is
 *
 *   SRC + I % NSRC : 1024 + (I / NSRC) % 64512  ->  DST + I % NDST : DPORT
 *
 * so that N tuples are N distinct connections (NSRC addresses, 64512 ports
 * each). The clients own no address: the client namespace drops what
 * comes back to them before its IP stack, after this program's packet
 * socket has seen it.
 *
 *   plgen syn ...        SYNs of new tuples
 *   plgen handshake ...  SYN, catch the SYN-ACK, ACK: tuples [first,
 *                        first + count) become established flows; the
 *                        server's ISNs go to the target's state file
 *   plgen ack ...        pure ACKs, round-robin over the established
 *                        tuples [0, count) of the state file
 *
 * Each --target NAME,NETNS,COUNT-NETNS,DMAC,DST,NDST[,STATE] sends from
 * eth0 in NETNS to the router's MAC DMAC, and counts what arrives on eth0
 * in COUNT-NETNS (its received packets, read over rtnetlink). With several
 * targets, syn and ack take turns: ROUNDS rounds, each giving every target
 * a slice of SLICE milliseconds, so that whatever else the machine does
 * weighs on all targets alike. Per target it prints one line: what was
 * sent, what arrived, the rate over all its slices and the median of its
 * slices' rates.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH		64
#define FRAME		60	/* Ethernet minimum, without FCS */
#define PORTS		64512
#define PORT_FIRST	1024
#define MAX_TARGETS	8
#define MAX_ROUNDS	1000

struct target {
	char *name, *netns, *count_netns, *state;
	uint8_t dmac[6], smac[6];
	uint32_t dst, ndst;
	int fd, ifindex, count_fd;
	uint32_t *isn;			/* server ISN + 1 per tuple; 0: none */
	uint64_t next;			/* syn: the next new tuple */
	uint64_t cursor;		/* ack: the next tuple */
	uint64_t sent, delivered;
	double busy;			/* seconds of its slices */
	double rates[MAX_ROUNDS];
	uint8_t frames[BATCH][64] __attribute__((aligned(64)));
	struct mmsghdr msgs[BATCH];
	struct iovec iovs[BATCH];
	struct sockaddr_ll dest;
};

static struct {
	uint32_t src, nsrc;
	uint16_t dport;
	uint64_t first, count;
	unsigned int rounds, slice_ms;
	double seconds;
	int cpu;
} o = {
	.nsrc = 4096, .dport = 80, .rounds = 10, .slice_ms = 100, .cpu = -1,
};

static struct target *targets[MAX_TARGETS];
static unsigned int ntargets;
static uint64_t refused;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static uint32_t client_isn(uint64_t i)
{
	uint32_t x = (uint32_t)i * 2654435761u;

	return x ^ (x >> 15) ^ 0x5a5a1234;
}

/* The tuple whose client is daddr:dport, or -1. */
static int64_t tuple_of(uint32_t daddr, uint16_t dport)
{
	uint64_t a = daddr - o.src, p = dport - PORT_FIRST;

	if (daddr < o.src || a >= o.nsrc || dport < PORT_FIRST)
		return -1;
	return p * o.nsrc + a;
}

/* Headers are summed as 16-bit words: may_alias keeps -O2 honest. */
typedef uint16_t __attribute__((may_alias)) word16;

static uint32_t csum_add(uint32_t s, const void *p, size_t len)
{
	const word16 *w = p;

	for (; len > 1; len -= 2)
		s += *w++;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Frame n of target t: tuple i with the given TCP flags. */
static void build(struct target *t, unsigned int n, uint64_t i, uint8_t flags)
{
	uint8_t *f = t->frames[n];
	struct ether_header *eth = (void *)f;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *th = (void *)(ip + 1);
	struct {
		uint32_t saddr, daddr;
		uint8_t zero, proto;
		uint16_t len;
	} ph;

	memset(f, 0, FRAME);
	memcpy(eth->ether_dhost, t->dmac, 6);
	memcpy(eth->ether_shost, t->smac, 6);
	eth->ether_type = htons(ETHERTYPE_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*th));
	ip->id = htons((uint16_t)i);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = htonl(o.src + (uint32_t)(i % o.nsrc));
	ip->daddr = htonl(t->dst + (uint32_t)(i % t->ndst));
	ip->check = csum_fold(csum_add(0, ip, sizeof(*ip)));
	th->source = htons(PORT_FIRST + (uint16_t)((i / o.nsrc) % PORTS));
	th->dest = htons(o.dport);
	th->seq = htonl(client_isn(i) + !(flags & TH_SYN));
	th->doff = 5;
	th->th_flags = flags;
	th->window = htons(64240);
	if (flags & TH_ACK)
		th->ack_seq = htonl(t->isn[i]);
	ph.saddr = ip->saddr;
	ph.daddr = ip->daddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = htons(sizeof(*th));
	th->check = csum_fold(csum_add(csum_add(0, &ph, sizeof(ph)), th,
				       sizeof(*th)));
}

/* Send n frames; the kernel forwards each of them before returning. */
static void flush(struct target *t, unsigned int n)
{
	unsigned int done = 0;

	while (done < n) {
		int r = sendmmsg(t->fd, t->msgs + done, n - done, 0);

		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				refused++;
				sched_yield();
				continue;
			}
			die("sendmmsg");
		}
		done += r;
	}
	t->sent += n;
}

static void netns_enter(const char *name)
{
	char path[256];
	int nfd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	nfd = open(path, O_RDONLY);
	if (nfd < 0 || setns(nfd, CLONE_NEWNET))
		die(path);
	close(nfd);
}

/* eth0's received packets in the target's counting namespace. */
static uint64_t count_read(struct target *t)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[64];
	} req;
	static char buf[16384];
	struct nlmsghdr *nh;
	struct rtattr *rta;
	int len, alen;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.ifi.ifi_family = AF_UNSPEC;
	rta = (struct rtattr *)req.attrs;
	rta->rta_type = IFLA_IFNAME;
	rta->rta_len = RTA_LENGTH(sizeof("eth0"));
	memcpy(RTA_DATA(rta), "eth0", sizeof("eth0"));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi)) +
			   RTA_ALIGN(rta->rta_len);
	if (send(t->count_fd, &req, req.nh.nlmsg_len, 0) < 0)
		die("netlink send");
	len = recv(t->count_fd, buf, sizeof(buf), 0);
	if (len < 0)
		die("netlink recv");
	nh = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(nh, (unsigned int)len) || nh->nlmsg_type != RTM_NEWLINK) {
		fprintf(stderr, "plgen: no eth0 in %s\n", t->count_netns);
		exit(1);
	}
	alen = IFLA_PAYLOAD(nh);
	for (rta = IFLA_RTA(NLMSG_DATA(nh)); RTA_OK(rta, alen);
	     rta = RTA_NEXT(rta, alen)) {
		if (rta->rta_type == IFLA_STATS64) {
			struct rtnl_link_stats64 st;

			memcpy(&st, RTA_DATA(rta), sizeof(st));
			return st.rx_packets;
		}
	}
	fprintf(stderr, "plgen: no IFLA_STATS64\n");
	exit(1);
}

static void map_state(struct target *t, bool create)
{
	size_t len = (o.first + o.count) * sizeof(uint32_t);
	int sfd;
	struct stat st;
	void *p;

	if (!t->state) {
		fprintf(stderr, "plgen: target %s has no state file\n", t->name);
		exit(2);
	}
	sfd = open(t->state, O_RDWR | (create ? O_CREAT : 0), 0644);
	if (sfd < 0 || fstat(sfd, &st))
		die(t->state);
	if ((size_t)st.st_size < len) {
		if (!create) {
			fprintf(stderr, "plgen: %s holds fewer tuples\n", t->state);
			exit(1);
		}
		if (ftruncate(sfd, len))
			die("ftruncate");
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	close(sfd);
	t->isn = p;
}

static void parse_mac(const char *s, uint8_t *mac)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		   &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "plgen: bad MAC address '%s'\n", s);
		exit(2);
	}
}

static uint32_t parse_ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "plgen: bad address '%s'\n", s);
		exit(2);
	}
	return ntohl(a.s_addr);
}

/* NAME,NETNS,COUNT-NETNS,DMAC,DST,NDST[,STATE] */
static void add_target(char *spec)
{
	struct target *t;
	char *f[7] = {};
	int n = 0;

	if (ntargets == MAX_TARGETS) {
		fprintf(stderr, "plgen: too many targets\n");
		exit(2);
	}
	while (n < 7 && (f[n] = strsep(&spec, ",")))
		n++;
	if (n < 6) {
		fprintf(stderr, "plgen: bad target\n");
		exit(2);
	}
	t = aligned_alloc(64, (sizeof(*t) + 63) & ~63UL);
	if (!t)
		die("malloc");
	memset(t, 0, sizeof(*t));
	t->name = f[0];
	t->netns = f[1];
	t->count_netns = f[2];
	parse_mac(f[3], t->dmac);
	t->dst = parse_ip(f[4]);
	t->ndst = strtoul(f[5], NULL, 0) ?: 1;
	t->state = f[6];
	targets[ntargets++] = t;
}

/* Sockets in the target's namespaces; we come back to ours after. */
static void open_target(struct target *t)
{
	int self = open("/proc/self/ns/net", O_RDONLY), one = 1;
	struct ifreq ifr;
	unsigned int i;

	if (self < 0)
		die("/proc/self/ns/net");
	netns_enter(t->count_netns);
	t->count_fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (t->count_fd < 0)
		die("netlink");
	netns_enter(t->netns);
	t->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (t->fd < 0)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "eth0");
	if (ioctl(t->fd, SIOCGIFINDEX, &ifr))
		die("eth0");
	t->ifindex = ifr.ifr_ifindex;
	if (ioctl(t->fd, SIOCGIFHWADDR, &ifr))
		die("eth0");
	memcpy(t->smac, ifr.ifr_hwaddr.sa_data, 6);
	/* Straight to the driver: the qdisc is nobody's cost here. */
	setsockopt(t->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	if (setns(self, CLONE_NEWNET))
		die("setns");
	close(self);

	t->dest.sll_family = AF_PACKET;
	t->dest.sll_ifindex = t->ifindex;
	t->dest.sll_halen = 6;
	memcpy(t->dest.sll_addr, t->dmac, 6);
	for (i = 0; i < BATCH; i++) {
		t->iovs[i].iov_base = t->frames[i];
		t->iovs[i].iov_len = FRAME;
		t->msgs[i].msg_hdr.msg_iov = &t->iovs[i];
		t->msgs[i].msg_hdr.msg_iovlen = 1;
		t->msgs[i].msg_hdr.msg_name = &t->dest;
		t->msgs[i].msg_hdr.msg_namelen = sizeof(t->dest);
	}
	t->next = o.first;
}

/* One batch of SYNs of new tuples. */
static void batch_syn(struct target *t)
{
	unsigned int n;

	for (n = 0; n < BATCH; n++)
		build(t, n, t->next++, TH_SYN);
	flush(t, n);
}

/* One batch of ACKs, round-robin over the established tuples. */
static void batch_ack(struct target *t)
{
	uint64_t skipped = 0;
	unsigned int n = 0;

	while (n < BATCH) {
		if (t->isn[t->cursor])
			build(t, n++, t->cursor, TH_ACK);
		else if (++skipped > o.count) {
			fprintf(stderr, "plgen: %s: no established tuple\n",
				t->name);
			exit(1);
		}
		if (++t->cursor == o.count)
			t->cursor = 0;
	}
	flush(t, n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* syn and ack: rounds of one slice per target. */
static void run_slices(void (*batch)(struct target *))
{
	uint64_t start[MAX_TARGETS];
	double slice = o.slice_ms / 1000.0;
	unsigned int r, k;

	for (k = 0; k < ntargets; k++)
		start[k] = count_read(targets[k]);
	for (r = 0; r < o.rounds; r++) {
		for (k = 0; k < ntargets; k++) {
			/* Start with a different target each round. */
			struct target *t = targets[(k + r) % ntargets];
			unsigned int idx = (k + r) % ntargets;
			double t0 = now(), t1;
			uint64_t c;

			do {
				batch(t);
			} while ((t1 = now()) - t0 < slice);
			/*
			 * What this slice delivered: the counter now, less
			 * where the previous slice of this target left it.
			 * Stragglers still queued show up in the next one.
			 */
			c = count_read(t);
			t->rates[r] = (c - start[idx]) / (t1 - t0);
			t->delivered += c - start[idx];
			start[idx] = c;
			t->busy += t1 - t0;
		}
	}
	usleep(50000);
	for (k = 0; k < ntargets; k++) {
		struct target *t = targets[k];
		uint64_t c = count_read(t);

		t->delivered += c - start[k];
		qsort(t->rates, o.rounds, sizeof(double), cmp_double);
		printf("target=%s sent=%llu delivered=%llu seconds=%.3f rate=%.0f median=%.0f min=%.0f max=%.0f next=%llu\n",
		       t->name, (unsigned long long)t->sent,
		       (unsigned long long)t->delivered, t->busy,
		       t->delivered / t->busy,
		       o.rounds % 2 ? t->rates[o.rounds / 2] :
		       (t->rates[o.rounds / 2 - 1] + t->rates[o.rounds / 2]) / 2,
		       t->rates[0], t->rates[o.rounds - 1],
		       (unsigned long long)t->next);
	}
}

static int rx_fd = -1;

static void setup_rx(struct target *t)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
	};
	int size = 256 << 20, self = open("/proc/self/ns/net", O_RDONLY);

	netns_enter(t->netns);
	/* ETH_P_ALL: packet taps see frames before tc ingress drops them. */
	rx_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_ALL));
	if (rx_fd < 0)
		die("socket");
	sll.sll_ifindex = t->ifindex;
	if (bind(rx_fd, (void *)&sll, sizeof(sll)))
		die("bind");
	if (setsockopt(rx_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(rx_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setns(self, CLONE_NEWNET))
		die("setns");
	close(self);
}

static uint64_t *acks;		/* tuples whose SYN-ACK came, to ACK */
static uint64_t nacks;

/* Read the SYN-ACKs that came; note each server ISN, queue an ACK. */
static uint64_t drain_rx(struct target *t)
{
	static uint8_t buf[BATCH][128];
	struct mmsghdr m[BATCH];
	struct iovec v[BATCH];
	uint64_t got = 0;
	int r, k;

	for (k = 0; k < BATCH; k++) {
		v[k].iov_base = buf[k];
		v[k].iov_len = sizeof(buf[k]);
		memset(&m[k].msg_hdr, 0, sizeof(m[k].msg_hdr));
		m[k].msg_hdr.msg_iov = &v[k];
		m[k].msg_hdr.msg_iovlen = 1;
	}
	while ((r = recvmmsg(rx_fd, m, BATCH, MSG_DONTWAIT, NULL)) > 0) {
		for (k = 0; k < r; k++) {
			struct iphdr *ip = (void *)buf[k];
			struct tcphdr *th = (void *)(ip + 1);
			int64_t i;

			if (m[k].msg_len < 40 || ip->protocol != IPPROTO_TCP ||
			    ip->ihl != 5 || (th->th_flags & (TH_SYN | TH_ACK)) !=
			    (TH_SYN | TH_ACK))
				continue;
			i = tuple_of(ntohl(ip->daddr), ntohs(th->dest));
			if (i < (int64_t)o.first ||
			    i >= (int64_t)(o.first + o.count))
				continue;
			if (ntohl(th->ack_seq) != client_isn(i) + 1)
				continue;
			if (!t->isn[i]) {
				t->isn[i] = ntohl(th->seq) + 1 ?: 1;
				acks[nacks++] = i;
				got++;
			}
		}
	}
	return got;
}

static void send_acks(struct target *t)
{
	uint64_t k = 0;
	unsigned int n;

	while (k < nacks) {
		for (n = 0; n < BATCH && k < nacks; n++, k++)
			build(t, n, acks[k], TH_ACK);
		flush(t, n);
	}
	nacks = 0;
}

/*
 * Open the tuples [first, first + count) of the (one) target: SYNs a
 * chunk at a time, the ACK of each SYN-ACK that came back; tuples still
 * without one are tried again.
 */
static void run_handshake(void)
{
	struct target *t = targets[0];
	uint64_t est = 0, i, tries, syns = 0, chunk = 4096, c0;
	uint64_t end = o.first + o.count;
	double t0 = now();
	unsigned int n;

	map_state(t, true);
	acks = calloc(o.count ?: 1, sizeof(*acks));
	if (!acks)
		die("calloc");
	setup_rx(t);
	for (tries = 0; tries < 6 && est < o.count; tries++) {
		for (c0 = o.first; c0 < end; c0 += chunk) {
			uint64_t cend = c0 + chunk < end ? c0 + chunk : end;

			for (i = c0; i < cend;) {
				for (n = 0; n < BATCH && i < cend; i++) {
					if (!t->isn[i])
						build(t, n++, i, TH_SYN);
				}
				flush(t, n);
				syns += n;
			}
			est += drain_rx(t);
			send_acks(t);
		}
		usleep(200000);
		est += drain_rx(t);
		send_acks(t);
	}
	printf("target=%s established=%llu missing=%llu syns=%llu seconds=%.3f\n",
	       t->name, (unsigned long long)est,
	       (unsigned long long)(o.count - est), (unsigned long long)syns,
	       now() - t0);
}

static void usage(void)
{
	fprintf(stderr,
"usage: plgen syn|handshake|ack --target NAME,NETNS,COUNT-NETNS,DMAC,DST,NDST[,STATE]...\n"
"             [--src IP] [--nsrc N] [--dport P] [--first I] [--count N]\n"
"             [--rounds R] [--slice MS] [--cpu C]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "target", 1, 0, 'T' }, { "src", 1, 0, 's' },
		{ "nsrc", 1, 0, 'S' }, { "dport", 1, 0, 'p' },
		{ "first", 1, 0, 'f' }, { "count", 1, 0, 'n' },
		{ "rounds", 1, 0, 'r' }, { "slice", 1, 0, 'l' },
		{ "cpu", 1, 0, 'c' }, { 0 },
	};
	const char *mode;
	unsigned int k;
	int c;

	o.src = parse_ip("10.1.0.0");
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'T': add_target(optarg); break;
		case 's': o.src = parse_ip(optarg); break;
		case 'S': o.nsrc = strtoul(optarg, NULL, 0); break;
		case 'p': o.dport = strtoul(optarg, NULL, 0); break;
		case 'f': o.first = strtoull(optarg, NULL, 0); break;
		case 'n': o.count = strtoull(optarg, NULL, 0); break;
		case 'r': o.rounds = strtoul(optarg, NULL, 0); break;
		case 'l': o.slice_ms = strtoul(optarg, NULL, 0); break;
		case 'c': o.cpu = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 1 || !ntargets || !o.nsrc || !o.rounds ||
	    o.rounds > MAX_ROUNDS)
		usage();
	mode = argv[optind];
	if (o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	for (k = 0; k < ntargets; k++)
		open_target(targets[k]);

	if (!strcmp(mode, "syn")) {
		run_slices(batch_syn);
	} else if (!strcmp(mode, "handshake")) {
		if (ntargets != 1 || !o.count)
			usage();
		run_handshake();
	} else if (!strcmp(mode, "ack")) {
		if (!o.count)
			usage();
		for (k = 0; k < ntargets; k++)
			map_state(targets[k], false);
		run_slices(batch_ack);
	} else {
		usage();
	}
	if (refused)
		fprintf(stderr, "plgen: %llu sends refused (ENOBUFS)\n",
			(unsigned long long)refused);
	return 0;
}
