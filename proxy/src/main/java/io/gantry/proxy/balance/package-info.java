/**
 * Where a backend is picked: a {@link io.gantry.proxy.balance.Policy} makes a
 * {@link io.gantry.proxy.balance.Balancer} over one service's endpoints: round-robin (weighted),
 * least request (two random choices), Maglev hashing, sticky cookies; slow start ramps newcomers up.
 */
package io.gantry.proxy.balance;
