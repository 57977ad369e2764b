package io.corral.simulator.run;

import java.util.Locale;

/** What a run does with its fleet. */
public enum Scenario {
    /** Connect at the ramp rate and measure how connecting goes. */
    RAMP,
    /** Connect, then publish from every device and call functions from the API for a while. */
    STEADY,
    /** Connect and settle, cut the network (or restart the cloud), heal, and measure the recovery. */
    HERD,
    /** Every device powers on at the same moment. */
    COLD_START;

    /** As the CLI spells it: {@code ramp}, {@code steady}, {@code herd}, {@code cold-start}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Scenario fromCli(String name) {
        for (Scenario scenario : values()) {
            if (scenario.cliName().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return scenario;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a scenario: use ramp, steady, herd or cold-start");
    }
}
