/**
 * What benchmarks/load/routes-scale runs beside the proxy: {@link io.gantry.benchmarks.scale.ScaleDriver}
 * writes a large routing state into etcd ({@link io.gantry.benchmarks.scale.ScaleKeys} says which keys),
 * then times how long a change takes from etcd's commit to the first request the proxy routes by it.
 */
package io.gantry.benchmarks.scale;
