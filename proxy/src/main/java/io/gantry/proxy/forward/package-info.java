/**
 * The request path, apart from the protocols it is spoken in. Each request is one
 * {@link io.gantry.proxy.forward.Exchange}: it is validated ({@link io.gantry.proxy.forward.RequestValidator}),
 * a backend is picked, and each try on a backend is one {@link io.gantry.proxy.forward.Attempt}; after a
 * failure the {@link io.gantry.proxy.forward.RetryPolicy} says whether to go again. The client side of
 * an exchange is a {@link io.gantry.proxy.forward.ClientStream}: an HTTP/1.1 connection
 * ({@code h1.Http1Connection}) or an HTTP/2 stream ({@code h2}). Attempts are made by each event loop's
 * {@link io.gantry.proxy.forward.BackendConnections} over the protocol the backend speaks. Bodies are
 * never aggregated: each side reads only while the other can take what it writes.
 * {@link io.gantry.proxy.forward.HopByHop} is the one table of the fields no hop passes on;
 * {@link io.gantry.proxy.forward.IntermediaryRules} decides once what else RFC 9110 and 9112 ask of an
 * intermediary (versions, trailers, interim responses, Upgrade, Max-Forwards, Via), for both directions
 * and both protocols; {@code proxy/RFC-AUDIT.md} lists every such rule and the test that pins it.
 */
package io.gantry.proxy.forward;
