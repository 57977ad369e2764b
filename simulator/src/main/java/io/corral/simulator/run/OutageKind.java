package io.corral.simulator.run;

import java.util.Locale;

/** How the herd scenario takes the cloud away. */
public enum OutageKind {
    /**
     * A carrier outage: the simulator's transport drops every datagram both ways. The cloud keeps its sessions;
     * devices learn of the outage only when their keepalive pings go unanswered.
     */
    NETWORK,
    /** The cloud process is stopped (SIGTERM, so it saves its DTLS connections) and started again. */
    RESTART;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OutageKind fromCli(String name) {
        for (OutageKind kind : values()) {
            if (kind.cliName().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not an outage kind: use network or restart");
    }
}
