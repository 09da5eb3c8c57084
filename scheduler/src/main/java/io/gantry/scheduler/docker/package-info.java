/**
 * Docker command lines from unit files, understood ({@link io.gantry.scheduler.docker.DockerCommand}) and
 * carried out through the Docker Engine API with docker-java ({@link io.gantry.scheduler.docker.DockerEngine}).
 */
package io.gantry.scheduler.docker;
