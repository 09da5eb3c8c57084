/**
 * HTTP/1.1 on both sides. {@link io.gantry.proxy.forward.h1.RequestDecoder} is Netty's request decoder
 * with the request line's version checked as written; {@link io.gantry.proxy.forward.h1.Http1Connection}
 * adapts a client connection to the exchanges; {@link io.gantry.proxy.forward.h1.Http1Attempt} is a try on a pooled
 * backend connection, whose head {@link io.gantry.proxy.forward.h1.HeaderRewriter} writes (hop-by-hop out,
 * X-Forwarded-* in) and whose response {@link io.gantry.proxy.forward.h1.ResponseReader} reads straight
 * from the backend's bytes, passing them on as they came (the fast path). After a 101,
 * {@link io.gantry.proxy.forward.h1.Tunnel} turns both connections into a byte tunnel.
 */
package io.gantry.proxy.forward.h1;
