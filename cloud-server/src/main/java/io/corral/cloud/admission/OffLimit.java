package io.corral.cloud.admission;

/** {@link AdmissionMode#OFF}: nothing is limited, so the herd can be measured against the other modes. */
final class OffLimit implements AdmissionLimit {

    @Override
    public boolean admitsAll() {
        return true;
    }

    /** No rate in force. The stats and the {@code corral_admission_rate} gauge report it as 0. */
    @Override
    public double rate() {
        return 0;
    }

    @Override
    public double burst() {
        return 0;
    }

    @Override
    public int inFlightLimit() {
        return Integer.MAX_VALUE;
    }
}
