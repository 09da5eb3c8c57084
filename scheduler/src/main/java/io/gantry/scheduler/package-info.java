/**
 * Gantry scheduler: fleet's job (placing units on machines by [X-Fleet] rules, running their
 * containers through the Docker Engine API) with all state in etcd. Not built yet: see the scheduler issue.
 */
package io.gantry.scheduler;
