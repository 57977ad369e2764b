package io.corral.cloud.events;

import java.nio.charset.StandardCharsets;

/**
 * The events the cloud publishes about a device itself, named as Particle names them so Particle's clients read
 * them unchanged: {@value #STATUS} with data {@code online} when the device starts a live session (a hello or an
 * implied hello) and {@code offline} when the session ends (goodbye, DTLS close or eviction, keepalive silence).
 * The source ({@code coreid}) is the device, the owner is the device's owner.
 *
 * <p>Like on Particle, integrations do not receive system events unless their event prefix names
 * {@value #PREFIX} explicitly: see {@link #wantedBy}. Devices and SSE streams receive them as any other event.
 */
public final class SystemEvents {
    /** Prefix of every system event; reserved, so only the cloud publishes under it. */
    public static final String PREFIX = "spark/";
    /** A device came online or went offline. */
    public static final String STATUS = "spark/status";
    /** System events live only as long as a connection's news does: a minute, the CoAP default. */
    static final int TTL_SECONDS = Event.DEFAULT_TTL_SECONDS;

    private SystemEvents() {
    }

    /** True for an event name the cloud reserves for system events. */
    public static boolean isSystem(String eventName) {
        return eventName.startsWith(PREFIX);
    }

    /**
     * Whether an integration on this event prefix receives system events: only when the prefix itself starts with
     * {@code spark} (so {@code spark}, {@code spark/} and {@code spark/status} do; {@code ""} and {@code s} do not),
     * which keeps an integration made for "every event" from firing at each connect and disconnect.
     */
    public static boolean wantedBy(String integrationPrefix) {
        return integrationPrefix.startsWith(PREFIX.substring(0, PREFIX.length() - 1));
    }

    /** {@value #STATUS} of the device: {@code online} or {@code offline}. */
    public static Event status(String deviceId, String owner, boolean online) {
        return Event.create(STATUS, (online ? "online" : "offline").getBytes(StandardCharsets.UTF_8),
                Event.TEXT_PLAIN, TTL_SECONDS, deviceId, owner);
    }
}
