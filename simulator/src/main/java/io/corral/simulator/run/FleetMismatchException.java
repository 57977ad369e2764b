package io.corral.simulator.run;

/** The fleet's devices are not the cloud's: provisioned against another cloud, or not at all. */
public final class FleetMismatchException extends RuntimeException {
    public FleetMismatchException(String message) {
        super(message);
    }
}
