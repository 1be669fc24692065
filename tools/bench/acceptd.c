// SPDX-License-Identifier: GPL-2.0
/*
 * acceptd PORT: accept TCP connections on every local address and close
 * them at once, as fast as they come: the backends of the health-checker
 * benchmark (tools/bench/guest.sh), which only need a handshake to pass a
 * tcp check.
 */

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int s, c, one = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: acceptd PORT\n");
		return 2;
	}
	sin.sin_port = htons(atoi(argv[1]));
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) || listen(s, 65535)) {
		perror("acceptd");
		return 1;
	}
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c >= 0)
			close(c);
	}
}
