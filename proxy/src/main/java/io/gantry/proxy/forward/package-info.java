/**
 * The request path: {@link io.gantry.proxy.forward.FrontendHandler} takes each client request, picks a
 * backend, borrows a pooled connection on its own event loop and streams the request out;
 * {@link io.gantry.proxy.forward.BackendHandler} streams the response back. Bodies are never
 * aggregated: each side reads only while the other can take what it writes. Requests are decoded
 * (and validated, {@link io.gantry.proxy.forward.RequestValidator}) and
 * {@link io.gantry.proxy.forward.HeaderRewriter} writes their heads for the backend, hop-by-hop headers out
 * and X-Forwarded-* in;
 * responses are read from the backend's bytes by {@link io.gantry.proxy.forward.ResponseReader} and
 * passed on as they came, hop-by-hop lines left out.
 */
package io.gantry.proxy.forward;
