package io.corral.cloud.events;

import io.corral.protocol.CorralProfile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One published event, as the cloud routes it: to subscribed devices, SSE streams and integrations.
 *
 * <p>Instances are immutable by convention: the record hands out its {@code data} array as it is, so callers
 * must not modify it. {@code equals} compares {@code data} by reference; compare events by {@link #id()}.
 *
 * @param id            unique id assigned by the cloud (16 lowercase hex characters, ordered by time of
 *                      creation within one process); downstream consumers deduplicate by it
 * @param name          event name, for example {@code temp/kitchen}
 * @param data          event data, at most the configured limit (1024 bytes by default)
 * @param contentFormat CoAP Content-Format number of the data (0 text, 42 octet-stream, 50 JSON, 60 CBOR)
 * @param ttlSeconds    time to live in seconds, from the publisher's Max-Age option (default 60)
 * @param publishedAt   when the cloud accepted the event
 * @param deviceId      the publishing device, or {@value CorralProfile#SOURCE_API} for the cloud API
 * @param owner         the owner of the publisher; events never cross owners
 */
public record Event(String id, String name, byte[] data, int contentFormat, int ttlSeconds, Instant publishedAt,
                    String deviceId, String owner) {

    /** Content-Format of text/plain, the profile's default. */
    public static final int TEXT_PLAIN = 0;
    /** Time to live when the publisher gives none: the CoAP default of Max-Age. */
    public static final int DEFAULT_TTL_SECONDS = 60;

    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(publishedAt, "publishedAt");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(owner, "owner");
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("ttlSeconds must be >= 0, was " + ttlSeconds);
        }
    }

    /** A new event with a fresh id, published now. */
    public static Event create(String name, byte[] data, int contentFormat, int ttlSeconds, String deviceId,
                               String owner) {
        return new Event(EventIds.next(), name, data, contentFormat, ttlSeconds, Instant.now(), deviceId, owner);
    }

    /** The data decoded as UTF-8, for text and JSON events. */
    public String dataAsText() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** True if the event came from the cloud API rather than from a device. */
    public boolean fromApi() {
        return CorralProfile.SOURCE_API.equals(deviceId);
    }

    @Override
    public String toString() {
        return "Event[" + id + ", " + name + ", " + data.length + " bytes, from " + deviceId + ", owner " + owner + "]";
    }
}
