package io.corral.cloud.integrations.model;

import io.corral.cloud.events.Event;
import io.corral.cloud.events.SystemEvents;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored integration: an owner's {@link IntegrationSpec} with its id, its pause state and its version.
 *
 * @param id      {@code int_} followed by 16 lowercase hex characters
 * @param owner   events of this owner only ever reach it
 * @param spec    what the owner configured
 * @param paused  true while deliveries are held in the queue (events are still queued if enabled)
 * @param version increases with every change, so workers can tell a cached copy is stale
 */
public record Integration(String id, String owner, IntegrationSpec spec, boolean paused, long version,
                         Instant created, Instant updated) {

    public Integration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(updated, "updated");
    }

    /**
     * True if an event of this owner, name and source should be queued for this integration now. The cloud's
     * system events ({@code spark/...}) match only an integration whose prefix asks for them by name.
     */
    public boolean matches(Event event) {
        return spec.enabled() && owner.equals(event.owner()) && event.name().startsWith(spec.eventPrefix())
                && (!SystemEvents.isSystem(event.name()) || SystemEvents.wantedBy(spec.eventPrefix()))
                && (spec.deviceFilter() == null || spec.deviceFilter().equals(event.deviceId()));
    }

    /** {@code "webhook"} or {@code "mqtt"}. */
    public String type() {
        return spec.target().type();
    }

    @Override
    public String toString() {
        return "Integration[" + id + ", owner " + owner + ", '" + spec.eventPrefix() + "' -> " + spec.target() + "]";
    }
}
