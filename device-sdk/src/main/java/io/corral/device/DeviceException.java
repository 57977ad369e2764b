package io.corral.device;

import java.time.Duration;

/**
 * Why a connection or a request to the cloud failed. The {@link #reason()} says what kind of failure it was, so
 * a caller can decide whether retrying makes sense without parsing messages.
 */
public class DeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure. */
    public enum Reason {
        /** The cloud refused our key or PSK in the handshake. Retrying will not help: check the credentials. */
        AUTHENTICATION_REFUSED,
        /** The DTLS handshake did not finish in time. The cloud may be overloaded or unreachable; back off. */
        HANDSHAKE_TIMEOUT,
        /** The cloud answered with an error code; see {@link #responseCode()} and {@link #retryAfter()}. */
        REJECTED,
        /** The device is not connected, so nothing was sent. */
        NOT_CONNECTED,
        /** The cloud did not answer a request in time. */
        TIMEOUT,
        /** A network or protocol error other than the above. */
        IO
    }

    private final Reason reason;
    private final String responseCode;
    private final Duration retryAfter;

    /** A failure of the given kind; {@code message} says what happened and what to do. */
    public DeviceException(Reason reason, String message) {
        this(reason, message, null, null, null);
    }

    /** As {@link #DeviceException(Reason, String)}, with the failure that caused it. */
    public DeviceException(Reason reason, String message, Throwable cause) {
        this(reason, message, null, null, cause);
    }

    /**
     * A failure with the cloud's answer.
     *
     * @param responseCode the CoAP code such as {@code "4.29"}, for {@link Reason#REJECTED}
     * @param retryAfter   the Max-Age of a 4.29 or 5.03 answer, else null
     */
    public DeviceException(Reason reason, String message, String responseCode, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.responseCode = responseCode;
        this.retryAfter = retryAfter;
    }

    /** What kind of failure this is. */
    public Reason reason() {
        return reason;
    }

    /** The CoAP response code, e.g. {@code "4.13"}, when the cloud rejected a request; else null. */
    public String responseCode() {
        return responseCode;
    }

    /** How long the cloud asked us to wait before retrying, or null when it did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
