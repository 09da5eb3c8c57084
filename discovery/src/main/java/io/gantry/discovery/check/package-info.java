/**
 * Health checks: {@link io.gantry.discovery.check.HttpCheck} asks a target over HTTP,
 * {@link io.gantry.discovery.check.StatusRange} says which answers count as healthy, and
 * {@link io.gantry.discovery.check.HealthState} turns results into state changes with HAProxy's
 * rise and fall thresholds.
 */
package io.gantry.discovery.check;
