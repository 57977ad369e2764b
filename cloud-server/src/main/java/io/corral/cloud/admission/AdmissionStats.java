package io.corral.cloud.admission;

/**
 * The admission controller's counters at one moment; counters count since the cloud started.
 *
 * @param hellosCheap          CLIENT_HELLOs without a cookie (answered with a HelloVerifyRequest)
 * @param hellosFull           CLIENT_HELLOs with a cookie asking for a full handshake
 * @param hellosResumption     CLIENT_HELLOs with a cookie resuming a session the cloud holds
 * @param admittedFull         full handshakes admitted
 * @param admittedResumption   resumptions admitted
 * @param deferred             CLIENT_HELLOs not admitted when they came, all reasons: dropped (the device
 *                             retransmits) or queued
 * @param retransmissions      retransmitted CLIENT_HELLOs of handshakes already admitted, passed free
 * @param completedFull        full handshakes that established a session
 * @param completedResumption  resumptions that established a session
 * @param failed               admitted handshakes that failed (refused credentials, alerts)
 * @param abandoned            admitted handshakes never finished: timed out, replaced, or past the deadline
 * @param inFlight             admitted handshakes holding an in-flight slot: not finished, not stalled
 * @param open                 admitted handshakes not ended yet, stalled ones included
 * @param inFlightPeak         the most ever in flight at once
 * @param rate                 the full-handshake rate in force, per second
 * @param inFlightLimit        the cap on full handshakes in flight in force ({@link Integer#MAX_VALUE} when off)
 * @param queued               full-handshake hellos put in the admission queue
 * @param queueAdmitted        queued hellos later admitted
 * @param queueExpired         queued hellos dropped after the whole queue wait
 * @param queueWithdrawn       queued hellos whose device started over or gave up while they waited
 * @param queueRetransmissions retransmissions of queued hellos, dropped: the first copy keeps its place
 * @param queueLength          hellos waiting in the queue now
 */
public record AdmissionStats(long hellosCheap, long hellosFull, long hellosResumption, long admittedFull,
                             long admittedResumption, long deferred, long retransmissions, long completedFull,
                             long completedResumption, long failed, long abandoned, int inFlight, int open,
                             int inFlightPeak,
                             double rate, int inFlightLimit, long queued, long queueAdmitted, long queueExpired,
                             long queueWithdrawn, long queueRetransmissions, int queueLength) {

    /** Every admitted handshake, full or resumed. */
    public long admitted() {
        return admittedFull + admittedResumption;
    }
}
