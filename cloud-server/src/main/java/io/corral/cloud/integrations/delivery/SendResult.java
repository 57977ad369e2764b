package io.corral.cloud.integrations.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * What came of one send.
 *
 * @param kind       delivered, failed (for now or for good), or not tried
 * @param status     HTTP status, or null
 * @param latency    from the start of the send to its end
 * @param error      what went wrong, or null
 * @param response   the start of the response body of a webhook, for hook-response events; never null
 * @param retryAfter the receiver's Retry-After, or null
 */
record SendResult(Kind kind, Integer status, Duration latency, String error, byte[] response, Instant retryAfter) {
    private static final byte[] NONE = new byte[0];

    enum Kind {
        DELIVERED,
        /** Failed in a way a later try may fix: no connection, timeout, 5xx, 408, 429. */
        RETRYABLE,
        /** Failed in a way another try will not fix: a 4xx, a template that renders to a bad URL. */
        PERMANENT,
        /** Not tried (this process is shedding load, or the destination's queue is full): no attempt counted. */
        NOT_SENT
    }

    static SendResult delivered(Integer status, Duration latency, byte[] response) {
        return new SendResult(Kind.DELIVERED, status, latency, null, response == null ? NONE : response, null);
    }

    static SendResult failed(Kind kind, Integer status, Duration latency, String error) {
        return new SendResult(kind, status, latency, error, NONE, null);
    }

    static SendResult notSent(String why) {
        return new SendResult(Kind.NOT_SENT, null, Duration.ZERO, why, NONE, null);
    }

    SendResult withRetryAfter(Instant at) {
        return new SendResult(kind, status, latency, error, response, at);
    }

    /** Failures that say the destination itself is in trouble, which is what circuit breaking counts. */
    boolean destinationFailing() {
        return kind == Kind.RETRYABLE;
    }
}
