/**
 * The test harness the modules share: JUnit 5 extensions that start a real etcd ({@link EtcdExtension})
 * and real nginx backends ({@link NginxExtension}) on free loopback ports and stop them after, plus
 * {@link Poll} for waiting on a condition with a deadline instead of sleeping.
 */
package io.gantry.testing;
