// SPDX-License-Identifier: GPL-2.0
/*
 * When the generic-netlink family "pl" does not resolve, ask libkmod
 * whether the module is loaded, installed but not loaded, or not installed
 * for the running kernel, and say what to do. libkmod is opened here, on
 * that error path only, rather than linked: every other command would map
 * and relocate it (and the compression libraries it needs) for nothing.
 */

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <libkmod.h>

#include "compiler.h"
#include "kmod.h"

#define KMOD_SONAME	"libkmod.so.2"

struct kmod_api {
	__typeof__(kmod_module_get_initstate) *kmod_module_get_initstate;
	__typeof__(kmod_module_new_from_lookup) *kmod_module_new_from_lookup;
	__typeof__(kmod_module_new_from_name) *kmod_module_new_from_name;
	__typeof__(kmod_module_unref) *kmod_module_unref;
	__typeof__(kmod_module_unref_list) *kmod_module_unref_list;
	__typeof__(kmod_new) *kmod_new;
	__typeof__(kmod_set_log_priority) *kmod_set_log_priority;
	__typeof__(kmod_unref) *kmod_unref;
};

#define KMOD_SYM(f) { .name = #f, .off = offsetof(struct kmod_api, f) }

static const struct {
	const char *name;
	size_t off;		/* of its pointer in struct kmod_api */
} kmod_syms[] = {
	KMOD_SYM(kmod_module_get_initstate),
	KMOD_SYM(kmod_module_new_from_lookup),
	KMOD_SYM(kmod_module_new_from_name),
	KMOD_SYM(kmod_module_unref),
	KMOD_SYM(kmod_module_unref_list),
	KMOD_SYM(kmod_new),
	KMOD_SYM(kmod_set_log_priority),
	KMOD_SYM(kmod_unref),
};

/* libkmod's calls, or false when it cannot be opened. */
static int kmod_load(struct kmod_api *k)
{
	void *h = dlopen(KMOD_SONAME, RTLD_NOW | RTLD_LOCAL), *f;
	unsigned int i;

	if (!h)
		return 0;
	for (i = 0; i < ARRAY_SIZE(kmod_syms); i++) {
		f = dlsym(h, kmod_syms[i].name);
		if (!f)
			return 0;
		memcpy((char *)k + kmod_syms[i].off, &f, sizeof(f));
	}
	return 1;
}

/* 1 when loaded, 0 when installed only, -1 when not installed, -2: unknown. */
static int kmod_state(void)
{
	struct kmod_list *list = NULL;
	struct kmod_module *mod;
	struct kmod_api k;
	struct kmod_ctx *ctx;
	int state = -1;

	if (!kmod_load(&k))
		return -2;
	ctx = k.kmod_new(NULL, NULL);
	if (!ctx)
		return -2;
	k.kmod_set_log_priority(ctx, -1);	/* quiet: we explain */
	if (!k.kmod_module_new_from_name(ctx, "pl", &mod)) {
		if (k.kmod_module_get_initstate(mod) >= 0)
			state = 1;
		k.kmod_module_unref(mod);
	}
	if (state < 0 && !k.kmod_module_new_from_lookup(ctx, "pl", &list) &&
	    list) {
		state = 0;
		k.kmod_module_unref_list(list);
	}
	k.kmod_unref(ctx);
	return state;
}

void kmod_explain(void)
{
	struct utsname u;

	if (uname(&u))
		u.release[0] = '\0';
	switch (kmod_state()) {
	case 1:
		fputs("pl-ctl: the pl module is loaded, but the netlink family \"pl\" is missing\n",
		      stderr);
		break;
	case 0:
		fputs("pl-ctl: the pl module is not loaded: load it with \"modprobe pl\"\n",
		      stderr);
		break;
	case -2:
		fputs("pl-ctl: no netlink family \"pl\": is pl loaded (\"modprobe pl\")?\n",
		      stderr);
		break;
	default:
		fprintf(stderr,
			"pl-ctl: the pl module is not installed for kernel %s: run \"make install\" in the pl source tree, then \"modprobe pl\"\n",
			u.release);
	}
}
