/**
 * Where a route is matched: {@link io.gantry.proxy.route.RouteParser} reads route and service values,
 * {@link io.gantry.proxy.route.RouteIndex} finds a request's {@link io.gantry.proxy.route.Route} by host
 * and path without allocating, {@link io.gantry.proxy.route.Routes} holds the current index.
 */
package io.gantry.proxy.route;
