package io.corral.cloud.ops;

/** Hears about alerts and asynchronous failures of the ops machinery. Every method defaults to doing nothing. */
public interface OpsListener {
    default void alertFired(Alert alert) {
    }

    default void alertResolved(Alert alert) {
    }

    /** A notification could not be delivered after all its tries. */
    default void notificationDropped(String notifier, Notification notification, String error) {
    }

    /** The evaluator or the incident store failed; the evaluator keeps going. */
    default void evaluationFailed(Exception e) {
    }
}
