/**
 * The admin listener: {@code GET /status} (JSON) and {@code GET /metrics} (Prometheus text format),
 * served on a separate address that is not the public one.
 */
package io.gantry.proxy.admin;
