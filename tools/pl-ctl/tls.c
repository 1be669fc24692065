// SPDX-License-Identifier: GPL-2.0
/*
 * OpenSSL's libssl, opened at run time: see tls.h. The soname is the one
 * pl-ctl was built against, so that the calls match the headers.
 */

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define TLS_API_DEFINE
#include "compiler.h"
#include "tls.h"

#define TLS_STR(x)	#x
#define TLS_XSTR(x)	TLS_STR(x)
#define TLS_SONAME	"libssl.so." TLS_XSTR(OPENSSL_SHLIB_VERSION)

struct tls_api tls_api;

struct tls_sym {
	const char *name;
	size_t off;		/* of its pointer in struct tls_api */
};

#define TLS_SYM(f) { .name = #f, .off = offsetof(struct tls_api, f) }

static const struct tls_sym tls_syms[] = {
	TLS_SYM(BIO_clear_flags),
	TLS_SYM(BIO_free),
	TLS_SYM(BIO_get_data),
	TLS_SYM(BIO_get_new_index),
	TLS_SYM(BIO_meth_free),
	TLS_SYM(BIO_meth_new),
	TLS_SYM(BIO_meth_set_ctrl),
	TLS_SYM(BIO_meth_set_read_ex),
	TLS_SYM(BIO_meth_set_write_ex),
	TLS_SYM(BIO_new),
	TLS_SYM(BIO_set_data),
	TLS_SYM(BIO_set_flags),
	TLS_SYM(BIO_set_init),
	TLS_SYM(ERR_clear_error),
	TLS_SYM(ERR_peek_error),
	TLS_SYM(ERR_reason_error_string),
	TLS_SYM(SSL_CTX_ctrl),
	TLS_SYM(SSL_CTX_free),
	TLS_SYM(SSL_CTX_new),
	TLS_SYM(SSL_CTX_set_options),
	TLS_SYM(SSL_CTX_set_security_level),
	TLS_SYM(SSL_CTX_set_verify),
	TLS_SYM(SSL_connect),
	TLS_SYM(SSL_ctrl),
	TLS_SYM(SSL_free),
	TLS_SYM(SSL_get_error),
	TLS_SYM(SSL_new),
	TLS_SYM(SSL_read_ex),
	TLS_SYM(SSL_set_bio),
	TLS_SYM(SSL_set_connect_state),
	TLS_SYM(SSL_shutdown),
	TLS_SYM(SSL_write_ex),
	TLS_SYM(TLS_client_method),
};

int tls_load(void)
{
	static int loaded;
	unsigned int i;
	void *h, *f;

	if (loaded)
		return loaded > 0 ? 0 : -1;
	loaded = -1;
	h = dlopen(TLS_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "pl-ctl: cannot load %s: %s\n", TLS_SONAME,
			dlerror());
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(tls_syms); i++) {
		f = dlsym(h, tls_syms[i].name);
		if (!f) {
			fprintf(stderr, "pl-ctl: %s lacks %s\n", TLS_SONAME,
				tls_syms[i].name);
			return -1;
		}
		memcpy((char *)&tls_api + tls_syms[i].off, &f, sizeof(f));
	}
	loaded = 1;
	return 0;
}
