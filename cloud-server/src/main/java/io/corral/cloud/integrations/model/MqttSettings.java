package io.corral.cloud.integrations.model;

import io.corral.cloud.integrations.IntegrationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how an MQTT integration publishes an event: an MQTT v5 broker (Eclipse Paho), a topic template, QoS
 * and retain. The payload is the event data as published unless a payload template is given. Every message
 * carries the event id as the MQTT v5 user property {@value #EVENT_ID_PROPERTY}, for deduplication.
 *
 * <p>Immutable and thread-safe.
 */
public final class MqttSettings implements IntegrationTarget {
    public static final String EVENT_ID_PROPERTY = "corral-event-id";
    public static final List<String> SCHEMES = List.of("tcp", "ssl", "ws", "wss");
    static final int MAX_CLIENT_ID_LENGTH = 128;

    private final String broker;
    private final String clientId;
    private final String username;
    private final String password;
    private final Template topic;
    private final Template payload;
    private final int qos;
    private final boolean retain;
    private final String destination;

    private MqttSettings(Builder b, String destination, Template topic, Template payload) {
        this.broker = b.broker;
        this.clientId = b.clientId;
        this.username = b.username;
        this.password = b.password;
        this.topic = topic;
        this.payload = payload;
        this.qos = b.qos;
        this.retain = b.retain;
        this.destination = destination;
    }

    /**
     * A builder. Defaults: client id {@code corral-<integration id>} (chosen when the integration is created);
     * no credentials; QoS 1; retain off; the payload is the event data. Broker ({@code tcp://}, {@code ssl://},
     * {@code ws://} or {@code wss://} with a host) and topic template are required.
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return "mqtt";
    }

    @Override
    public String destination() {
        return destination;
    }

    public String broker() {
        return broker;
    }

    /** The MQTT client id, or null until the integration is created and picks its default. */
    public String clientId() {
        return clientId;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String topic() {
        return topic.text();
    }

    /** The payload template, or null to send the event data unchanged. */
    public String payload() {
        return payload == null ? null : payload.text();
    }

    public int qos() {
        return qos;
    }

    public boolean retain() {
        return retain;
    }

    public Template topicTemplate() {
        return topic;
    }

    public Template payloadTemplate() {
        return payload;
    }

    /**
     * Without a client id, the one the integration has been using ({@code previous}'s), else
     * {@code corral-<integrationId>}: a new client id on each update would leave a session behind at the broker.
     */
    @Override
    public MqttSettings storedFor(String integrationId, IntegrationTarget previous) {
        if (clientId != null) {
            return this;
        }
        String kept = switch (previous) {
            case MqttSettings old -> old.clientId();
            case null, default -> null; // another kind has no client id to keep
        };
        return withClientId(kept != null ? kept : "corral-" + integrationId);
    }

    /** The same settings with a client id, for integrations created without one. */
    public MqttSettings withClientId(String id) {
        return toBuilder().clientId(id).build();
    }

    Builder toBuilder() {
        return builder().broker(broker).clientId(clientId).credentials(username, password).topic(topic.text())
                .payload(payload()).qos(qos).retain(retain);
    }

    /** Settings of an MQTT integration; see {@link MqttSettings#builder()} for the defaults. */
    public static final class Builder {
        private String broker;
        private String clientId;
        private String username;
        private String password;
        private String topic;
        private String payload;
        private int qos = 1;
        private boolean retain;

        private Builder() {
        }

        /** Required: {@code tcp://host:1883}, {@code ssl://host:8883}, {@code ws://host/mqtt} or {@code wss://...}. */
        public Builder broker(String broker) {
            this.broker = broker;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        /** Required: topic template, for example {@code devices/{{PARTICLE_DEVICE_ID}}/{{PARTICLE_EVENT_NAME}}}. */
        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /** Payload template; null sends the event data as published. */
        public Builder payload(String payload) {
            this.payload = payload;
            return this;
        }

        /** 0, 1 or 2. */
        public Builder qos(int qos) {
            this.qos = qos;
            return this;
        }

        public Builder retain(boolean retain) {
            this.retain = retain;
            return this;
        }

        /** @throws IntegrationException INVALID_INPUT naming the first bad field ({@code mqtt.broker}, ...) */
        public MqttSettings build() {
            String destination = checkBroker(broker);
            if (clientId != null && (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID_LENGTH)) {
                throw IntegrationException.invalid("mqtt.client_id", "must be 1.." + MAX_CLIENT_ID_LENGTH
                        + " characters, was " + clientId.length());
            }
            if (password != null && username == null) {
                throw IntegrationException.invalid("mqtt.username", "is required when a password is given");
            }
            if (topic == null || topic.isEmpty()) {
                throw IntegrationException.invalid("mqtt.topic", "must be a topic template, was empty");
            }
            if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
                throw IntegrationException.invalid("mqtt.topic", "must not contain the wildcards + or #: '" + topic
                        + "'");
            }
            Template topicTemplate = Template.compile("mqtt.topic", topic);
            Template payloadTemplate = payload == null ? null : Template.compile("mqtt.payload", payload);
            if (qos < 0 || qos > 2) {
                throw IntegrationException.invalid("mqtt.qos", "must be 0, 1 or 2, was " + qos);
            }
            return new MqttSettings(this, destination, topicTemplate, payloadTemplate);
        }

        private static String checkBroker(String broker) {
            if (broker == null || broker.isEmpty()) {
                throw IntegrationException.invalid("mqtt.broker", "is required, for example tcp://broker:1883");
            }
            URI uri;
            try {
                uri = new URI(broker);
            } catch (URISyntaxException e) {
                throw IntegrationException.invalid("mqtt.broker", "is not a valid URI: " + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme == null || !SCHEMES.contains(scheme)) {
                throw IntegrationException.invalid("mqtt.broker", "scheme must be one of " + SCHEMES + ", was '"
                        + broker + "'");
            }
            if (uri.getHost() == null) {
                throw IntegrationException.invalid("mqtt.broker", "has no host: '" + broker + "'");
            }
            int port = uri.getPort() > 0 ? uri.getPort() : switch (scheme) {
                case "tcp" -> 1883;
                case "ssl" -> 8883;
                case "ws" -> 80;
                default -> 443;
            };
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MqttSettings that && broker.equals(that.broker)
                && Objects.equals(clientId, that.clientId) && Objects.equals(username, that.username)
                && Objects.equals(password, that.password) && topic().equals(that.topic())
                && Objects.equals(payload(), that.payload()) && qos == that.qos && retain == that.retain;
    }

    @Override
    public int hashCode() {
        return Objects.hash(broker, clientId, topic(), qos, retain);
    }

    @Override
    public String toString() {
        return "mqtt " + broker + " " + topic.text();
    }
}
