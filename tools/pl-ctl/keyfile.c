// SPDX-License-Identifier: GPL-2.0
/*
 * Key files: a secret key of a fixed size, written as base64 text (the
 * standard alphabet, padded with '='), with blanks and newlines around it
 * allowed, as "wg genkey" writes a 32-byte key:
 *
 *   wg genkey > /etc/pl/sync.key
 *
 * "-" reads standard input. A file that cannot be read, is not base64 or
 * holds a key of another size is refused (PL_EFAIL, said on stderr); one
 * that others than its owner may access is taken with a warning, as wg
 * takes it. The key is never printed, and wiped from memory after use.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "keyfile.h"

/* The longest text taken: keys are short; a longer file is no key. */
#define KEY_TEXT_MAX	256

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode the n characters at s, a multiple of 4 with at most two '=' at
 * the end, and unused bits zero (as encoders write them), into out (room
 * for n / 4 * 3 bytes). Returns the bytes decoded, or -1.
 */
static int b64_decode(const char *s, size_t n, unsigned char *out)
{
	unsigned int acc = 0, bits = 0, pad = 0;
	size_t i;
	int v, len = 0;

	if (!n || n % 4)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 >= n) {
			pad++;
			continue;
		}
		v = b64_value(s[i]);
		if (v < 0 || pad)
			return -1;
		acc = acc << 6 | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = acc >> bits;
			acc &= (1U << bits) - 1;
		}
	}
	return acc ? -1 : len;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Decode text, n bytes read from the file name, into key (len bytes). */
static int key_decode(const char *name, char *text, size_t n,
		      unsigned char *key, size_t len)
{
	unsigned char buf[KEY_TEXT_MAX / 4 * 3];
	int got, err = 0;

	while (n && is_blank(text[n - 1]))
		n--;
	while (n && is_blank(*text)) {
		text++;
		n--;
	}
	got = b64_decode(text, n, buf);
	if (!n)
		err = fail_err("key file %s is empty", name);
	else if (got < 0)
		err = fail_err("key file %s does not hold base64 text", name);
	else if ((size_t)got != len)
		err = fail_err("key file %s holds a key of %d bytes, not %zu",
			       name, got, len);
	else
		memcpy(key, buf, len);
	explicit_bzero(buf, sizeof(buf));
	return err;
}

/* Warn, as wg does, when others than the owner may access the file. */
static void key_file_mode(int fd, const char *name)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & 077))
		return;
	fflush(stdout);
	fprintf(stderr,
		"pl-ctl: warning: key file %s is accessible by others than its owner (mode %04o)\n",
		name, st.st_mode & 07777);
}

/* Up to size bytes of fd; -1 on a read error. */
static ssize_t key_file_slurp(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n < size) {
		r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (!r)
			break;
		n += r;
	}
	return n;
}

/* Read the key of len bytes in file ("-": standard input) into key. */
int key_file_read(const char *file, unsigned char *key, size_t len)
{
	const char *name = strcmp(file, "-") ? file : "<stdin>";
	char text[KEY_TEXT_MAX + 1];
	int fd = STDIN_FILENO, err;
	ssize_t n;

	if (strcmp(file, "-"))
		fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_err("cannot open key file %s: %s", name,
				strerror(errno));
	key_file_mode(fd, name);
	n = key_file_slurp(fd, text, sizeof(text));
	err = errno;
	if (fd != STDIN_FILENO)
		close(fd);
	if (n < 0)
		return fail_err("cannot read key file %s: %s", name,
				strerror(err));
	if (n > KEY_TEXT_MAX)
		err = fail_err("key file %s is too long for a key", name);
	else
		err = key_decode(name, text, n, key, len);
	explicit_bzero(text, sizeof(text));
	return err;
}
