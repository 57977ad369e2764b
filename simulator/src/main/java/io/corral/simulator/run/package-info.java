/**
 * Running a scenario: {@link io.corral.simulator.run.RunSettings} says what to do,
 * {@link io.corral.simulator.run.FleetRun} does it with real SDK devices and returns a
 * {@link io.corral.simulator.run.RunResult}. Fields of the result are documented in docs/simulator.md.
 */
package io.corral.simulator.run;
