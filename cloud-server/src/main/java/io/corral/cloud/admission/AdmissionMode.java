package io.corral.cloud.admission;

/** How the cloud admits new DTLS handshakes. */
public enum AdmissionMode {
    /** Every handshake is admitted at once: the baseline a herd is compared against. */
    OFF,
    /** Fixed budgets: a token bucket for full handshakes, a cap on those in flight, a larger resumption budget. */
    STATIC,
    /**
     * As {@link #STATIC}, with the full-handshake rate raised and lowered (AIMD) from the measured handshake
     * latency and the process CPU, so the cloud runs near its capacity without anyone tuning a number.
     */
    ADAPTIVE;

    /** The name as the CLI spells it: {@code off}, {@code static}, {@code adaptive}. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
