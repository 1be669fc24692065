// SPDX-License-Identifier: GPL-2.0
/*
 * When the generic-netlink family "pl" does not resolve, ask libkmod
 * whether the module is loaded, installed but not loaded, or not installed
 * for the running kernel, and say what to do.
 */

#include <errno.h>
#include <stdio.h>
#include <sys/utsname.h>

#include <libkmod.h>

#include "kmod.h"

/* 1 when loaded, 0 when installed only, -1 when not installed. */
static int kmod_state(void)
{
	struct kmod_list *list = NULL;
	struct kmod_module *mod;
	struct kmod_ctx *ctx;
	int state = -1;

	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return -1;
	kmod_set_log_priority(ctx, -1);	/* quiet: we explain */
	if (!kmod_module_new_from_name(ctx, "pl", &mod)) {
		if (kmod_module_get_initstate(mod) >= 0)
			state = 1;
		kmod_module_unref(mod);
	}
	if (state < 0 && !kmod_module_new_from_lookup(ctx, "pl", &list) &&
	    list) {
		state = 0;
		kmod_module_unref_list(list);
	}
	kmod_unref(ctx);
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
	default:
		fprintf(stderr,
			"pl-ctl: the pl module is not installed for kernel %s: run \"make install\" in the pl source tree, then \"modprobe pl\"\n",
			u.release);
	}
}
