package io.corral.device;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * An event delivered to this device: its name, its data, the id of the device that published it (or
 * {@code "api"} when it came through the cloud API), and its time to live. Immutable.
 */
public final class Event {
    private final String name;
    private final byte[] data;
    private final String sourceDeviceId;
    private final Duration ttl;

    /**
     * An event as delivered; the SDK makes these, applications need not.
     *
     * @param name           the event's name
     * @param data           its data; copied
     * @param sourceDeviceId the publishing device's id, or {@code "api"}
     * @param ttl            how long the event stays meaningful
     */
    public Event(String name, byte[] data, String sourceDeviceId, Duration ttl) {
        this.name = name;
        this.data = data.clone();
        this.sourceDeviceId = sourceDeviceId;
        this.ttl = ttl;
    }

    /** The event's name, e.g. {@code alerts/fire}. */
    public String name() {
        return name;
    }

    /** A copy of the raw data. */
    public byte[] data() {
        return data.clone();
    }

    /** The data decoded as UTF-8. */
    public String dataAsString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Who published it: a 24-hex device id, or {@code "api"}. */
    public String sourceDeviceId() {
        return sourceDeviceId;
    }

    /** How long the event stays meaningful: the publisher's time to live, 60 s when it gave none. */
    public Duration ttl() {
        return ttl;
    }

    @Override
    public String toString() {
        return "Event[" + name + " from " + sourceDeviceId + ", " + data.length + " bytes]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Event that && name.equals(that.name) && Arrays.equals(data, that.data)
                && sourceDeviceId.equals(that.sourceDeviceId);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(data);
    }
}
