/**
 * The {@code corral-sim} command line: {@link io.corral.simulator.SimulatorCli} with its {@code provision},
 * {@code run} and {@code compare} commands. The work is in {@code fleet} (provisioning and loading fleets),
 * {@code run} (the scenarios and their measurement; start at {@link io.corral.simulator.run.FleetRun}) and
 * {@code report} (summary table and HTML charts).
 */
package io.corral.simulator;
