/**
 * The {@code corral-cloud} command line (Picocli). Start with {@link io.corral.cloud.cli.CloudCli}; each
 * subcommand is a {@code Callable<Integer>} in this package, and errors map to the exit codes its help lists.
 */
package io.corral.cloud.cli;
