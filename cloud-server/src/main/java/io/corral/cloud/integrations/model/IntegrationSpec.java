package io.corral.cloud.integrations.model;

import io.corral.cloud.events.SystemEvents;

import io.corral.cloud.integrations.IntegrationException;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.DeviceIds;
import io.corral.protocol.EventNames;
import io.corral.protocol.Limits;
import java.util.Objects;

/**
 * What an owner asks of an integration: which events (name prefix, optional source device), whether it takes
 * new events ({@code enabled}), and where they go ({@link WebhookSettings} or {@link MqttSettings}). Built with
 * {@link #builder()} or parsed from the API's JSON by {@link IntegrationJson#parseSpec}; both validate.
 *
 * @param name         a label for people, or null; at most 64 characters
 * @param eventPrefix  events whose names start with this reach the integration; empty for every event
 * @param deviceFilter only events from this device id (or {@code api}); null for any source
 * @param enabled      false stops new events from being queued; queued deliveries still go out (pause stops those)
 * @param target       where events go
 */
public record IntegrationSpec(String name, String eventPrefix, String deviceFilter, boolean enabled,
                              IntegrationTarget target) {
    static final int MAX_NAME_LENGTH = 64;

    public IntegrationSpec {
        if (name != null && (name.isBlank() || name.length() > MAX_NAME_LENGTH)) {
            throw IntegrationException.invalid("name", "must be 1.." + MAX_NAME_LENGTH + " characters, was "
                    + (name.isBlank() ? "blank" : name.length() + " characters"));
        }
        if (eventPrefix == null) {
            throw IntegrationException.invalid("event", "is required: the event name prefix to send ('' for all)");
        }
        String badPrefix = EventNames.validatePrefix(eventPrefix, Limits.DEFAULTS);
        if (badPrefix != null) {
            throw IntegrationException.invalid("event", badPrefix);
        }
        for (String reserved : EventNames.RESERVED_PREFIXES) {
            // System events (spark/...) are reserved for publishing, but an integration may ask for them by name.
            if (eventPrefix.startsWith(reserved) && !reserved.equals(SystemEvents.PREFIX)) {
                throw IntegrationException.invalid("event", "events under '" + reserved
                        + "' are the cloud's own and never trigger integrations");
            }
        }
        if (deviceFilter != null && !DeviceIds.isValid(deviceFilter) && !CorralProfile.SOURCE_API.equals(deviceFilter)) {
            throw IntegrationException.invalid("device", "must be a device id (24 lowercase hex characters) or '"
                    + CorralProfile.SOURCE_API + "', was '" + deviceFilter + "'");
        }
        if (target == null) {
            throw IntegrationException.invalid("type", "is required: " + IntegrationJson.typeNames());
        }
    }

    /**
     * This spec as the store keeps it for integration {@code integrationId}: its target with what its kind fills
     * in ({@link IntegrationTarget#storedFor}); this one when nothing needs filling in.
     *
     * @param previous the integration's stored spec before an update; null when creating
     */
    public IntegrationSpec storedFor(String integrationId, IntegrationSpec previous) {
        IntegrationTarget stored = target.storedFor(integrationId, previous == null ? null : previous.target());
        return stored == target ? this : new IntegrationSpec(name, eventPrefix, deviceFilter, enabled, stored);
    }

    /** A builder: no name, every source, enabled; prefix and target are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link IntegrationSpec}s; {@link #build()} validates. */
    public static final class Builder {
        private String name;
        private String eventPrefix;
        private String deviceFilter;
        private boolean enabled = true;
        private IntegrationTarget target;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder eventPrefix(String eventPrefix) {
            this.eventPrefix = eventPrefix;
            return this;
        }

        public Builder deviceFilter(String deviceFilter) {
            this.deviceFilter = deviceFilter;
            return this;
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder target(IntegrationTarget target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** @throws IntegrationException INVALID_INPUT naming the bad field */
        public IntegrationSpec build() {
            return new IntegrationSpec(name, eventPrefix, deviceFilter, enabled, target);
        }
    }
}
