/**
 * Keeping keys in etcd: {@link io.gantry.discovery.register.LeaseRegistrar} writes every key under
 * one lease that it keeps alive, so the keys of a process or machine that dies expire by themselves.
 */
package io.gantry.discovery.register;
