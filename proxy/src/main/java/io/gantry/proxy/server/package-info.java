/**
 * Where connections are accepted: {@link io.gantry.proxy.server.Transport} picks native epoll or NIO,
 * {@link io.gantry.proxy.server.FrontendInitializer} assembles a client connection's pipeline, and
 * {@link io.gantry.proxy.server.ProxyServer} binds, tracks connections and drains them on shutdown.
 */
package io.gantry.proxy.server;
