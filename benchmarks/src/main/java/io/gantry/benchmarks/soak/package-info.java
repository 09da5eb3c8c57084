/**
 * The programs benchmarks/load/soak runs beside the proxy: {@link io.gantry.benchmarks.soak.SoakDriver},
 * the mixed load and its verdict on errors, and {@link io.gantry.benchmarks.soak.SoakEcho}, the upload
 * and WebSocket echo server behind the soak's nginx backends.
 */
package io.gantry.benchmarks.soak;
