package io.corral.device;

/** Where a {@link Device} is in its life with the cloud. */
public enum ConnectionState {
    /** Not connected, and not trying to be. */
    DISCONNECTED,
    /** Running a handshake, hello and describe. */
    CONNECTING,
    /** Hello and describe acknowledged: functions, variables and subscriptions are live. */
    CONNECTED,
    /** Lost or failed to connect; waiting out a backoff before the next attempt. */
    WAITING_TO_RECONNECT,
    /** Closed for good by {@link Device#close()}. */
    CLOSED
}
