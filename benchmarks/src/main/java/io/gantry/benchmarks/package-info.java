/**
 * JMH benchmarks of the proxy's hot path, one class per thing measured; run
 * {@code java -jar benchmarks/target/benchmarks.jar -l} to list them.
 */
package io.gantry.benchmarks;
