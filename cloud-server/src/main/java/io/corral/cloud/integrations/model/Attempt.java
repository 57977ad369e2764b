package io.corral.cloud.integrations.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One try at a delivery, as the attempts log records it.
 *
 * @param integrationId the integration
 * @param deliveryId    the delivery
 * @param eventId       the event's id
 * @param attempt       1 for the first try of this delivery
 * @param at            when the try ended
 * @param outcome       what came of it
 * @param status        the HTTP status of a webhook, or null (MQTT, or no answer)
 * @param latency       from sending to the answer or the failure
 * @param error         what went wrong, or null
 * @param worker        the worker that tried
 */
public record Attempt(String integrationId, long deliveryId, String eventId, int attempt, Instant at,
                      Outcome outcome, Integer status, Duration latency, String error, String worker) {

    /** What a try came to. */
    public enum Outcome {
        /** Accepted by the receiver; the delivery is done. */
        DELIVERED,
        /** Failed; tried again later, on the retry schedule. */
        RETRY,
        /** Failed for good (a permanent error, or the retry window ran out); kept as a dead letter. */
        DEAD,
        /** Not sent because its integration no longer exists. */
        DROPPED
    }

    public Attempt {
        Objects.requireNonNull(integrationId, "integrationId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(latency, "latency");
    }
}
