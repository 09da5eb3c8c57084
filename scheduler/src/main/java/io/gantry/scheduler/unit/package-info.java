/**
 * Unit files: systemd's INI with fleet's [X-Fleet] section ({@link io.gantry.scheduler.unit.Unit}),
 * specifiers, Exec lines split as systemd splits them, and the plan of commands a machine runs.
 */
package io.gantry.scheduler.unit;
