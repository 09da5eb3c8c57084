/**
 * The request path: {@link io.gantry.proxy.forward.FrontendHandler} takes each client request, picks a
 * backend, borrows a pooled connection on its own event loop and streams the request out;
 * {@link io.gantry.proxy.forward.BackendHandler} streams the response back. Bodies are never
 * aggregated: each side reads only while the other can take what it writes.
 * {@link io.gantry.proxy.forward.HeaderRewriter} drops hop-by-hop headers and adds X-Forwarded-*.
 */
package io.gantry.proxy.forward;
