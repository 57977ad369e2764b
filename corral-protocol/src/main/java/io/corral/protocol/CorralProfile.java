package io.corral.protocol;

/**
 * Paths, ports and options of the Corral CoAP profile, v1. See DESIGN.md, "The Corral CoAP profile".
 *
 * <p>Device to cloud: {@code POST /h} hello, {@code POST /d} describe, {@code POST /E/{name}} publish,
 * {@code PUT|DELETE /e/{prefix}} subscribe and unsubscribe, {@code GET /t} time, {@code POST /x} goodbye,
 * and CoAP ping for keepalive. Cloud to device: {@code POST /f/{name}} call function,
 * {@code GET /v/{name}} read variable, {@code POST /E/{name}?from={deviceId}} deliver event.
 */
public final class CorralProfile {
    private CorralProfile() {
    }

    /** Version of the wire contract this code speaks. */
    public static final int PROFILE_VERSION = 1;
    /** Default UDP port of the cloud's DTLS endpoint. */
    public static final int DEFAULT_PORT = 5684;

    public static final String PATH_HELLO = "h";
    public static final String PATH_DESCRIBE = "d";
    /** Publish (device to cloud) and deliver (cloud to device) share the upper-case E. */
    public static final String PATH_EVENT = "E";
    /** Subscriptions use the lower-case e. */
    public static final String PATH_SUBSCRIPTION = "e";
    public static final String PATH_TIME = "t";
    public static final String PATH_GOODBYE = "x";
    public static final String PATH_FUNCTION = "f";
    public static final String PATH_VARIABLE = "v";
    /** Query parameter of a delivered event that names the publishing device. */
    public static final String QUERY_FROM = "from";
    /** Source id of events published through the cloud API rather than by a device. */
    public static final String SOURCE_API = "api";

    /** Default keepalive the cloud asks devices for, in seconds. */
    public static final int DEFAULT_KEEPALIVE_SECONDS = 30;
}
