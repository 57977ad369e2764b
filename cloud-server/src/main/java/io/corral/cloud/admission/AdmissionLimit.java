package io.corral.cloud.admission;

/**
 * What bounds full handshakes, and how that bound learns from what the cloud measures. There is one
 * implementation per {@link AdmissionMode}, picked once by {@link #of}. {@link AdmissionPolicy} does the work
 * every mode shares: the token bucket that enforces {@link #rate()} and {@link #burst()}, the in-flight
 * accounting that enforces {@link #inFlightLimit()}, each source's share of that limit, the queue and the
 * resumption budget. It asks its limit only for the numbers. So a new way of choosing them is one class here
 * and one case in {@link #of}, and the mechanics are never copied.
 *
 * <p>A limit can learn in two ways, so that both kinds of controller fit:
 * <ul>
 *   <li>per control interval ({@link #onInterval}), from aggregates such as percentiles and the CPU. The
 *       adaptive mode's AIMD rate works this way;</li>
 *   <li>per handshake ({@link #onHandshakeEnded}), from each full handshake's measured latency. A concurrency
 *       limit in the manner of TCP Vegas or Gradient2 would work this way: it moves {@link #inFlightLimit()}
 *       and keeps the configured rate and burst as the token bucket's ceiling.</li>
 * </ul>
 *
 * <p>The policy calls every method with its lock held, so an implementation needs no locking of its own. After
 * each call that may have taught the limit something, the policy reads the three numbers again and applies any
 * that changed.
 */
interface AdmissionLimit {

    /**
     * One full handshake that ended.
     *
     * @param outcome      how it ended; {@link AdmissionPolicy.Outcome#FAILED} and
     *                     {@link AdmissionPolicy.Outcome#ABANDONED} are what a concurrency limit counts as drops
     * @param latencyNanos from its admission to its end
     * @param inFlight     the full handshakes in flight, itself included, at its admission
     */
    record Sample(AdmissionPolicy.Outcome outcome, long latencyNanos, int inFlight) {
    }

    /** The limit of the settings' {@link AdmissionSettings#mode() mode}, at its starting numbers. */
    static AdmissionLimit of(AdmissionSettings settings) {
        return switch (settings.mode()) {
            case OFF -> new OffLimit();
            case STATIC -> new StaticLimit(settings);
            case ADAPTIVE -> new AdaptiveLimit(settings);
        };
    }

    /**
     * True for the baseline that admits every hello at once, resumptions included. It never consults the
     * buckets or the in-flight limit, and it never queues.
     */
    default boolean admitsAll() {
        return false;
    }

    /** Full handshakes per second: the token bucket's rate. 0 means no rate is in force. */
    double rate();

    /** Full handshakes admitted at once on top of the rate: the token bucket's size. */
    double burst();

    /**
     * Full handshakes that may hold an in-flight slot at once ({@link Integer#MAX_VALUE} for none). A source's
     * share of it follows it, in the proportion {@link AdmissionSettings#perSourceInFlight()} is of
     * {@link AdmissionSettings#maxInFlight()}.
     */
    int inFlightLimit();

    /** What the last control interval measured; the controller's tick thread calls it in every mode. */
    default void onInterval(AimdRate.Interval measured) {
    }

    /** A full handshake ended, however it ended. */
    default void onHandshakeEnded(Sample sample) {
    }
}
