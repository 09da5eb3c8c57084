/*
 * Preloaded into wrk by benchmarks/load/compare for the close-*-tls workloads, so that every new
 * connection makes a full TLS handshake.
 *
 * wrk keeps one SSL object per connection slot and, when the server closes (Connection: close),
 * calls SSL_shutdown, then SSL_clear, then SSL_connect on a new socket (src/ssl.c, ssl_close). After a
 * clean shutdown SSL_clear keeps the SSL's session, so the next SSL_connect offers it (a TLS 1.3 PSK
 * from the server's ticket, or a TLS 1.2 ticket or session id) and the server resumes: only the first
 * handshake of each slot is a full one. Dropping the session after SSL_clear makes wrk behave like a
 * client that has never met the server; the servers keep their resumption settings.
 *
 * Build: cc -shared -fPIC -O2 -o no-resumption.so no-resumption.c -ldl (libssl comes from wrk itself).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

typedef struct ssl_st SSL;
typedef struct ssl_session_st SSL_SESSION;

int SSL_set_session(SSL *ssl, SSL_SESSION *session);

int SSL_clear(SSL *ssl) {
    static int (*real_clear)(SSL *);
    if (real_clear == NULL) {
        real_clear = (int (*)(SSL *)) dlsym(RTLD_NEXT, "SSL_clear");
    }
    int ok = real_clear(ssl);
    SSL_set_session(ssl, NULL);
    return ok;
}
