package io.corral.cloud.coap;

import java.util.Objects;

/**
 * Why a cloud-to-device call (function call or variable read) failed. The futures returned by
 * {@code Cloud.callFunction} and {@code Cloud.readVariable} complete exceptionally with this exception; its
 * {@link #reason()} is what callers switch on, and its message says what happened in words.
 */
public final class DeviceCallException extends Exception {

    /** What went wrong, in the terms of the Corral profile. */
    public enum Reason {
        /** The device has no live session, or its DTLS connection is gone: it may reconnect later. */
        OFFLINE,
        /** The device did not answer within the caller's timeout, or CoAP retransmissions ran out. */
        TIMEOUT,
        /** The device has no function or variable of that name (CoAP 4.04), or the name is not a valid one. */
        NOT_FOUND,
        /** The function argument is longer than the device or the cloud accepts (CoAP 4.13). */
        ARGUMENT_TOO_LONG,
        /** The device's handler threw (CoAP 5.00). */
        HANDLER_FAILED,
        /** Anything else: an unexpected response code, an unreadable answer, a rejected request. */
        OTHER
    }

    private final Reason reason;
    private final String deviceId;

    public DeviceCallException(Reason reason, String deviceId, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.deviceId = deviceId;
    }

    public Reason reason() {
        return reason;
    }

    /** The device the call was for. */
    public String deviceId() {
        return deviceId;
    }
}
