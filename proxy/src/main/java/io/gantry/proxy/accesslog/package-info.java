/**
 * The access log: one line per request, in nginx's {@code combined} format or as JSON, filled in as an
 * immutable {@link io.gantry.proxy.accesslog.AccessLogEntry} on the event loop and formatted and
 * written by one writer thread behind a bounded queue.
 */
package io.gantry.proxy.accesslog;
