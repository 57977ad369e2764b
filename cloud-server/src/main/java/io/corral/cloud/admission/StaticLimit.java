package io.corral.cloud.admission;

/** {@link AdmissionMode#STATIC}: the configured rate, burst and in-flight cap, fixed for the cloud's lifetime. */
final class StaticLimit implements AdmissionLimit {
    private final double rate;
    private final double burst;
    private final int inFlightLimit;

    StaticLimit(AdmissionSettings settings) {
        this.rate = settings.rate();
        this.burst = settings.burst();
        this.inFlightLimit = settings.maxInFlight();
    }

    @Override
    public double rate() {
        return rate;
    }

    @Override
    public double burst() {
        return burst;
    }

    @Override
    public int inFlightLimit() {
        return inFlightLimit;
    }
}
