/**
 * Registrator mode: {@link io.gantry.discovery.docker.ContainerTargets} turns this machine's labelled
 * containers into check targets, from the container list and then Docker's event stream.
 */
package io.gantry.discovery.docker;
