/**
 * Gantry discovery: health-checks backends and keeps their etcd keys alive with leases, in place of
 * the tutorial's curl-and-etcdctl sidekick. Not built yet: see the discovery issue.
 */
package io.gantry.discovery;
