package io.corral.cloud.ops;

/**
 * How a notifier is doing, read at one moment. A notifier is failing when its last sends failed: the status page
 * shows it, {@code /metrics} counts it, and the {@code notifier-failing} rule alerts through the other route.
 *
 * @param name                {@code pagerduty} or {@code slack}
 * @param route               the route it serves
 * @param target              where it sends, without credentials
 * @param sent                notifications accepted by the receiver
 * @param failedAttempts      tries that failed (each retry counts)
 * @param gaveUp              notifications dropped after the last retry
 * @param consecutiveFailures tries that failed since the last success
 * @param queued              notifications waiting to be sent
 * @param lastError           what the last failure was, or null
 * @param lastErrorAt         epoch millis of the last failure, or 0
 * @param lastSuccessAt       epoch millis of the last success, or 0
 */
public record NotifierHealth(String name, Route route, String target, long sent, long failedAttempts, long gaveUp,
                             long consecutiveFailures, long queued, String lastError, long lastErrorAt,
                             long lastSuccessAt) {
    public boolean healthy() {
        return consecutiveFailures == 0;
    }
}
