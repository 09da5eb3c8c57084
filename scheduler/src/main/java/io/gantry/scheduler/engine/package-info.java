/**
 * Placement: {@link io.gantry.scheduler.engine.Placement} decides where units run (a pure function);
 * {@link io.gantry.scheduler.engine.Engine} is elected in etcd and writes its decisions.
 */
package io.gantry.scheduler.engine;
