/**
 * What Gantry's programs really share: addresses and durations as users write them, the etcd key
 * contract ({@code /services/<service>/<instance>} → {@code host:port}), etcd connection settings and
 * the command-line conventions (one-line errors, exit status 2, config files whose keys are the flags).
 */
package io.gantry.common;
