/**
 * The agent on each machine: registers it, runs the units assigned to it the way systemd would, reports
 * their states, and reconciles what runs with what is assigned.
 */
package io.gantry.scheduler.agent;
