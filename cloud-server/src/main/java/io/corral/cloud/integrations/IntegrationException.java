package io.corral.cloud.integrations;

/**
 * An integration or delivery-queue operation that failed. The {@link Reason} lets callers map it (the REST API
 * to 400/404/409/503/500, the CLI to exit codes, the CoAP endpoint to 5.03) without parsing the message; for
 * {@link Reason#INVALID_INPUT} the message starts with the name of the bad field, such as {@code webhook.url}.
 */
public final class IntegrationException extends RuntimeException {

    /** What went wrong. */
    public enum Reason {
        /** A setting is malformed or out of range; {@link #field()} names it and the message says what is allowed. */
        INVALID_INPUT,
        /** The integration or delivery does not exist (or belongs to another owner). */
        NOT_FOUND,
        /** The operation conflicts with the current state, such as replaying a delivery that is not dead. */
        CONFLICT,
        /** The queue has more uncommitted work than it accepts; retry shortly. Nothing was written. */
        OVERLOADED,
        /** The database could not be opened, read or written. */
        STORAGE
    }

    private final Reason reason;
    private final String field;

    public IntegrationException(Reason reason, String message) {
        this(reason, null, message, null);
    }

    public IntegrationException(Reason reason, String message, Throwable cause) {
        this(reason, null, message, cause);
    }

    private IntegrationException(Reason reason, String field, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.field = field;
    }

    /** A bad setting: the message reads {@code "<field>: <problem>"}. */
    public static IntegrationException invalid(String field, String problem) {
        return new IntegrationException(Reason.INVALID_INPUT, field, field + ": " + problem, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The bad field for {@link Reason#INVALID_INPUT}, in the JSON spelling ({@code webhook.url}); else null. */
    public String field() {
        return field;
    }
}
