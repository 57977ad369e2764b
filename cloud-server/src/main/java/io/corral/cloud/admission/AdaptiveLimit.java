package io.corral.cloud.admission;

/**
 * {@link AdmissionMode#ADAPTIVE}: the full-handshake rate steered by {@link AimdRate} once per control interval.
 * The burst and the in-flight limit follow the rate, so that one number does the steering.
 */
final class AdaptiveLimit implements AdmissionLimit {
    private final AimdRate aimd;
    private final int configuredBurst;
    private final int maxInFlight;
    private final long queueDelayTargetNanos;
    /** The configured burst until the rate first moves: what the cloud starts with is what the operator set. */
    private double burst;
    private int inFlightLimit;

    AdaptiveLimit(AdmissionSettings settings) {
        this.aimd = new AimdRate(settings);
        this.configuredBurst = settings.burst();
        this.maxInFlight = settings.maxInFlight();
        this.queueDelayTargetNanos = settings.queueDelayTarget().toNanos();
        this.burst = settings.burst();
        this.inFlightLimit = inFlightLimitAt(settings.rate());
    }

    @Override
    public double rate() {
        return aimd.rate();
    }

    @Override
    public double burst() {
        return burst;
    }

    @Override
    public int inFlightLimit() {
        return inFlightLimit;
    }

    @Override
    public void onInterval(AimdRate.Interval measured) {
        double before = aimd.rate();
        double after = aimd.next(measured);
        if (after != before) {
            burst = burstAt(after);
            inFlightLimit = inFlightLimitAt(after);
        }
    }

    /** A tenth of a second's worth: enough to smooth the arrivals, too little to pile up a queue. */
    private double burstAt(double rate) {
        return Math.max(1, Math.min(configuredBurst, rate / 10));
    }

    /**
     * What the rate admits while a handshake waits twice the queue-delay target (its hello, then the device's
     * flight) plus a second for the work and the device: beyond that, admitted handshakes would only queue. A
     * stalled one gives its slot back anyway; the cap stops bursts, the rate does the steering.
     */
    private int inFlightLimitAt(double rate) {
        double seconds = 2 * queueDelayTargetNanos / 1e9 + 1;
        return (int) Math.max(4, Math.min(maxInFlight, Math.ceil(rate * seconds)));
    }
}
