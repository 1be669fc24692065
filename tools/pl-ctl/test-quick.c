// SPDX-License-Identifier: GPL-2.0
/*
 * A driver of apply's quick path for test-quick.sh, outside of the kernel:
 * it diffs NEW against OLD as apply diffs a file against the copy of the
 * file last applied (quick_diff_from()), and prints
 *
 *   quick          then the ops, one per line, in the file's grammar
 *   whole          the quick path declined: apply would diff it all
 *
 * or exits 1 when the quick path refused NEW (its message on stderr).
 *
 *   test-quick [-d] OLD NEW      -d: OLD has a line that deletes
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "apply.h"
#include "diff.h"

static int map(const char *file, struct apply_src *src)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	src->name = file;
	src->buf = apply_map(fd, &src->size);
	close(fd);
	return src->buf ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct apply_src old = { NULL }, new = { NULL };
	struct pl_ops ops = { NULL };
	int del = argc > 1 && !strcmp(argv[1], "-d");
	size_t i, same;
	int err;

	if (argc != 3 + del || map(argv[1 + del], &old) ||
	    map(argv[2 + del], &new)) {
		fprintf(stderr, "usage: test-quick [-d] OLD NEW (non-empty files)\n");
		return 2;
	}
	err = quick_diff_from(old.buf, old.size, del, &new, &ops, &same);
	if (err == QUICK_WHOLE)
		printf("whole\n");
	else if (!err)
		printf("quick\n");
	for (i = 0; !err && i < ops.n; i++)
		printf("%s\n", ops.v[i].text);
	ops_free(&ops);
	munmap(old.buf, old.size);
	munmap(new.buf, new.size);
	return err > 0;
}
