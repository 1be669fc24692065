/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OpenSSL, loaded when a probe loop needs it rather than when pl-ctl
 * starts: linking libssl and libcrypto made every pl-ctl command map and
 * relocate them, a few milliseconds each time, many more in a slow VM.
 * Include this instead of the OpenSSL headers: the calls below go
 * through pointers that tls_load() fills.
 */

#ifndef PL_CTL_TLS_H
#define PL_CTL_TLS_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

/* The OpenSSL calls of probe.c, once its macros are expanded. */
struct tls_api {
	__typeof__(BIO_clear_flags) *BIO_clear_flags;
	__typeof__(BIO_free) *BIO_free;
	__typeof__(BIO_get_data) *BIO_get_data;
	__typeof__(BIO_get_new_index) *BIO_get_new_index;
	__typeof__(BIO_meth_free) *BIO_meth_free;
	__typeof__(BIO_meth_new) *BIO_meth_new;
	__typeof__(BIO_meth_set_ctrl) *BIO_meth_set_ctrl;
	__typeof__(BIO_meth_set_read_ex) *BIO_meth_set_read_ex;
	__typeof__(BIO_meth_set_write_ex) *BIO_meth_set_write_ex;
	__typeof__(BIO_new) *BIO_new;
	__typeof__(BIO_set_data) *BIO_set_data;
	__typeof__(BIO_set_flags) *BIO_set_flags;
	__typeof__(BIO_set_init) *BIO_set_init;
	__typeof__(ERR_clear_error) *ERR_clear_error;
	__typeof__(ERR_peek_error) *ERR_peek_error;
	__typeof__(ERR_reason_error_string) *ERR_reason_error_string;
	__typeof__(SSL_CTX_ctrl) *SSL_CTX_ctrl;
	__typeof__(SSL_CTX_free) *SSL_CTX_free;
	__typeof__(SSL_CTX_new) *SSL_CTX_new;
	__typeof__(SSL_CTX_set_options) *SSL_CTX_set_options;
	__typeof__(SSL_CTX_set_security_level) *SSL_CTX_set_security_level;
	__typeof__(SSL_CTX_set_verify) *SSL_CTX_set_verify;
	__typeof__(SSL_connect) *SSL_connect;
	__typeof__(SSL_ctrl) *SSL_ctrl;
	__typeof__(SSL_free) *SSL_free;
	__typeof__(SSL_get_error) *SSL_get_error;
	__typeof__(SSL_new) *SSL_new;
	__typeof__(SSL_read_ex) *SSL_read_ex;
	__typeof__(SSL_set_bio) *SSL_set_bio;
	__typeof__(SSL_set_connect_state) *SSL_set_connect_state;
	__typeof__(SSL_shutdown) *SSL_shutdown;
	__typeof__(SSL_write_ex) *SSL_write_ex;
	__typeof__(TLS_client_method) *TLS_client_method;
};

extern struct tls_api tls_api;

/* Load libssl: 0, or -1 after saying why on stderr. */
int tls_load(void);

#ifndef TLS_API_DEFINE
#define BIO_clear_flags			tls_api.BIO_clear_flags
#define BIO_free			tls_api.BIO_free
#define BIO_get_data			tls_api.BIO_get_data
#define BIO_get_new_index		tls_api.BIO_get_new_index
#define BIO_meth_free			tls_api.BIO_meth_free
#define BIO_meth_new			tls_api.BIO_meth_new
#define BIO_meth_set_ctrl		tls_api.BIO_meth_set_ctrl
#define BIO_meth_set_read_ex		tls_api.BIO_meth_set_read_ex
#define BIO_meth_set_write_ex		tls_api.BIO_meth_set_write_ex
#define BIO_new				tls_api.BIO_new
#define BIO_set_data			tls_api.BIO_set_data
#define BIO_set_flags			tls_api.BIO_set_flags
#define BIO_set_init			tls_api.BIO_set_init
#define ERR_clear_error			tls_api.ERR_clear_error
#define ERR_peek_error			tls_api.ERR_peek_error
#define ERR_reason_error_string		tls_api.ERR_reason_error_string
#define SSL_CTX_ctrl			tls_api.SSL_CTX_ctrl
#define SSL_CTX_free			tls_api.SSL_CTX_free
#define SSL_CTX_new			tls_api.SSL_CTX_new
#define SSL_CTX_set_options		tls_api.SSL_CTX_set_options
#define SSL_CTX_set_security_level	tls_api.SSL_CTX_set_security_level
#define SSL_CTX_set_verify		tls_api.SSL_CTX_set_verify
#define SSL_connect			tls_api.SSL_connect
#define SSL_ctrl			tls_api.SSL_ctrl
#define SSL_free			tls_api.SSL_free
#define SSL_get_error			tls_api.SSL_get_error
#define SSL_new				tls_api.SSL_new
#define SSL_read_ex			tls_api.SSL_read_ex
#define SSL_set_bio			tls_api.SSL_set_bio
#define SSL_set_connect_state		tls_api.SSL_set_connect_state
#define SSL_shutdown			tls_api.SSL_shutdown
#define SSL_write_ex			tls_api.SSL_write_ex
#define TLS_client_method		tls_api.TLS_client_method
#endif

#endif /* PL_CTL_TLS_H */
