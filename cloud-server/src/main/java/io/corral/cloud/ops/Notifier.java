package io.corral.cloud.ops;

import java.io.IOException;

/** Sends one notification somewhere. Implementations are called from one thread per notifier. */
public interface Notifier {
    /** A short name for logs and the status page, such as {@code pagerduty}. */
    String name();

    /** Where it sends, for people; never with credentials. */
    String target();

    /**
     * Sends it once.
     *
     * @throws SendFailure when the receiver refused it (and says whether a retry can help)
     * @throws IOException when the receiver could not be reached; retried
     */
    void send(Notification notification) throws IOException, SendFailure;

    /** A receiver's answer other than success. */
    final class SendFailure extends Exception {
        private final boolean retryable;

        public SendFailure(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        /** False when the receiver said the message itself is wrong: resending it cannot succeed. */
        public boolean retryable() {
            return retryable;
        }
    }
}
