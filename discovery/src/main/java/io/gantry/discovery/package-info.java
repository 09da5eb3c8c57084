/**
 * Gantry discovery, the tutorial's sidekick done right: {@link io.gantry.discovery.DiscoveryMain} is
 * the command line; {@link io.gantry.discovery.Checker} checks each target ({@code check}) and keeps
 * the healthy ones' keys in etcd under a lease ({@code register}); in registrator mode the targets
 * are the labelled containers of this machine's Docker engine ({@code docker}).
 */
package io.gantry.discovery;
