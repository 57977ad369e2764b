package io.corral.cloud.registry;

/**
 * A registry operation that failed. The {@link Reason} says what kind of failure it is, so callers can map it
 * (the REST API to 400/404/409/500, the CLI to exit codes) without parsing the message; the message names the
 * field or the record and says what is allowed.
 */
public final class RegistryException extends RuntimeException {

    /** What went wrong. */
    public enum Reason {
        /** An argument is malformed or out of range; the message names the field and the allowed range. */
        INVALID_INPUT,
        /** Something the operation refers to does not exist, such as the owner of a new device. */
        NOT_FOUND,
        /** The operation would duplicate something unique: a device id, a public key, the cloud key pair. */
        CONFLICT,
        /** The database could not be opened, read or written. */
        STORAGE
    }

    private final Reason reason;

    public RegistryException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RegistryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
