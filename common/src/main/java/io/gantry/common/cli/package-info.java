/**
 * The command-line conventions every Gantry program follows: picocli commands, a {@code --config}
 * file whose keys are the long flag names (flags win), durations and addresses as users write them,
 * and bad input reported in one line naming the flag or file line, with exit status 2.
 */
package io.gantry.common.cli;
