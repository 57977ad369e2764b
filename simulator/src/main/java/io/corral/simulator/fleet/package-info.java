/**
 * Fleets on disk: {@link io.corral.simulator.fleet.Fleet} reads one, {@link io.corral.simulator.fleet.FleetProvisioner}
 * makes one through the cloud's bulk provisioning API.
 */
package io.corral.simulator.fleet;
