package io.corral.cloud.events;

/**
 * A publish the cloud refuses before anything is spent on it: its name, content format, size or TTL breaks the
 * profile's rules or the limits. The message names the rule, the value and the limit; each publish path maps the
 * {@link #reason()} to its own answer (a CoAP response code, an HTTP 400).
 */
public final class EventRefusedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Which rule the publish broke. */
    public enum Reason {
        /** The name is empty, too long, not printable ASCII, or under a prefix only the cloud may use. */
        NAME,
        /** The data is not text/plain, application/octet-stream, application/json or application/cbor. */
        CONTENT_FORMAT,
        /** The data is over {@code Limits.maxEventDataBytes()}. */
        SIZE,
        /** The time to live is negative. */
        TTL
    }

    private final Reason reason;

    EventRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
