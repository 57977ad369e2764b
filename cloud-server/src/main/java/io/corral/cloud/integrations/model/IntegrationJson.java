package io.corral.cloud.integrations.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.queue.QueueCounts;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of integrations, shared by the REST API, the CLI's {@code --file} and the database:
 *
 * <pre>{@code
 * {"name": "to my server", "event": "temp", "device": null, "enabled": true, "type": "webhook",
 *  "webhook": {"url": "https://example.com/in", "method": "POST", "headers": {"X-Key": "k"},
 *              "query": {}, "json": {"t": "{{PARTICLE_EVENT_VALUE}}"}, "auth": {"username": "u", "password": "p"},
 *              "response_topic": "hook-response/{{PARTICLE_EVENT_NAME}}", "error_topic": "...",
 *              "timeout_seconds": 20}}
 * {"event": "temp", "type": "mqtt",
 *  "mqtt": {"broker": "tcp://broker:1883", "client_id": "c1", "username": "u", "password": "p",
 *           "topic": "corral/{{PARTICLE_EVENT_NAME}}", "payload": null, "qos": 1, "retain": false}}
 * }</pre>
 *
 * Parsing is strict: an unknown field is refused by name, so a typo cannot silently drop a setting.
 */
public final class IntegrationJson {
    /** Shown instead of a stored password; sent back unchanged in an update, it keeps the stored one. */
    public static final String REDACTED = "********";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WEBHOOK = Set.of("url", "method", "headers", "query", "json", "form", "body",
            "auth", "response_topic", "error_topic", "timeout_seconds");
    private static final Set<String> AUTH = Set.of("username", "password");
    private static final Set<String> MQTT = Set.of("broker", "client_id", "username", "password", "topic", "payload",
            "qos", "retain");

    /**
     * One kind of target as the JSON knows it. Its {@code type} name is also the field that holds its settings
     * object; {@code reader} reads that object, given the stored target of the same kind when updating (else
     * null), and {@code writer} writes it.
     */
    private record Kind<T extends IntegrationTarget>(String type, Class<T> targetClass, Reader<T> reader,
                                                     Writer<T> writer) {
        IntegrationTarget read(JsonNode json, IntegrationTarget previous) {
            return reader.read(json, previous != null && previous.type().equals(type)
                    ? targetClass.cast(previous) : null);
        }

        void write(IntegrationTarget target, ObjectNode json, boolean redact) {
            writer.write(targetClass.cast(target), json, redact);
        }
    }

    private interface Reader<T extends IntegrationTarget> {
        T read(JsonNode json, T previous);
    }

    private interface Writer<T extends IntegrationTarget> {
        void write(T target, ObjectNode json, boolean redact);
    }

    /** Every kind of target, by type name, in the order error messages list them. A new kind registers here. */
    private static final Map<String, Kind<?>> KINDS = kinds(
            new Kind<>("webhook", WebhookSettings.class, IntegrationJson::parseWebhook, IntegrationJson::writeWebhook),
            new Kind<>("mqtt", MqttSettings.class, IntegrationJson::parseMqtt, IntegrationJson::writeMqtt));
    private static final Set<String> TOP = topFields();

    private IntegrationJson() {
    }

    private static Map<String, Kind<?>> kinds(Kind<?>... kinds) {
        Map<String, Kind<?>> byType = new LinkedHashMap<>();
        for (Kind<?> kind : kinds) {
            byType.put(kind.type(), kind);
        }
        return Collections.unmodifiableMap(byType);
    }

    private static Set<String> topFields() {
        Set<String> fields = new LinkedHashSet<>(List.of("name", "event", "device", "enabled", "type"));
        fields.addAll(KINDS.keySet());
        return Collections.unmodifiableSet(fields);
    }

    /** The type names a spec may have, as a message lists them: {@code 'webhook' or 'mqtt'}. */
    static String typeNames() {
        List<String> quoted = KINDS.keySet().stream().map(type -> "'" + type + "'").toList();
        return quoted.size() == 1 ? quoted.get(0) : String.join(", ", quoted.subList(0, quoted.size() - 1))
                + " or " + quoted.get(quoted.size() - 1);
    }

    /** The target classes with a JSON form; every class {@link IntegrationTarget} permits must be one. */
    static Set<Class<? extends IntegrationTarget>> registeredTargets() {
        Set<Class<? extends IntegrationTarget>> classes = new LinkedHashSet<>();
        KINDS.values().forEach(kind -> classes.add(kind.targetClass()));
        return classes;
    }

    /** Parses JSON text; see {@link #parseSpec(JsonNode, IntegrationSpec)}. */
    public static IntegrationSpec parseSpec(String json) {
        try {
            return parseSpec(JSON.readTree(json), null);
        } catch (JsonProcessingException e) {
            throw IntegrationException.invalid("body", "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Parses and validates a spec.
     *
     * @param previous the stored spec when updating, whose passwords a {@link #REDACTED} value keeps; else null
     * @throws IntegrationException INVALID_INPUT naming the first bad field
     */
    public static IntegrationSpec parseSpec(JsonNode json, IntegrationSpec previous) {
        if (json == null || !json.isObject()) {
            throw IntegrationException.invalid("body", "must be a JSON object");
        }
        checkFields("", json, TOP);
        String type = text(json, "type", "type");
        Kind<?> kind = type == null ? null : KINDS.get(type);
        if (kind == null) {
            throw IntegrationException.invalid("type", "must be " + typeNames() + ", was "
                    + (type == null ? "missing" : "'" + type + "'"));
        }
        for (String other : KINDS.keySet()) {
            if (!other.equals(type)) {
                refuseOther(json, other, type);
            }
        }
        IntegrationTarget target = kind.read(object(json, type, type, true),
                previous == null ? null : previous.target());
        JsonNode enabled = json.get("enabled");
        if (enabled != null && !enabled.isNull() && !enabled.isBoolean()) {
            throw IntegrationException.invalid("enabled", "must be true or false");
        }
        return new IntegrationSpec(text(json, "name", "name"), text(json, "event", "event"),
                text(json, "device", "device"), enabled == null || enabled.isNull() || enabled.booleanValue(), target);
    }

    private static WebhookSettings parseWebhook(JsonNode json, WebhookSettings previous) {
        checkFields("webhook.", json, WEBHOOK);
        WebhookSettings.Builder builder = WebhookSettings.builder().url(text(json, "url", "webhook.url"));
        String method = text(json, "method", "webhook.method");
        if (method != null) {
            builder.method(method);
        }
        stringMap(json, "headers", "webhook.headers").forEach(builder::header);
        stringMap(json, "query", "webhook.query").forEach(builder::query);
        JsonNode body = json.get("json");
        if (body != null && !body.isNull()) {
            builder.json(body);
        }
        if (json.hasNonNull("form")) {
            builder.form(stringMap(json, "form", "webhook.form"));
        }
        String text = text(json, "body", "webhook.body");
        if (text != null) {
            builder.body(text);
        }
        JsonNode auth = object(json, "auth", "webhook.auth", false);
        if (auth != null) {
            checkFields("webhook.auth.", auth, AUTH);
            String password = text(auth, "password", "webhook.auth.password");
            if (REDACTED.equals(password) && previous != null) {
                password = previous.password();
            }
            builder.basicAuth(text(auth, "username", "webhook.auth.username"), password);
        }
        String responseTopic = text(json, "response_topic", "webhook.response_topic");
        if (responseTopic != null) {
            builder.responseTopic(responseTopic);
        }
        String errorTopic = text(json, "error_topic", "webhook.error_topic");
        if (errorTopic != null) {
            builder.errorTopic(errorTopic);
        }
        JsonNode timeout = json.get("timeout_seconds");
        if (timeout != null && !timeout.isNull()) {
            if (!timeout.isNumber()) {
                throw IntegrationException.invalid("webhook.timeout_seconds", "must be a number of seconds");
            }
            builder.timeout(Duration.ofMillis(Math.round(timeout.doubleValue() * 1000)));
        }
        return builder.build();
    }

    private static MqttSettings parseMqtt(JsonNode json, MqttSettings previous) {
        checkFields("mqtt.", json, MQTT);
        String password = text(json, "password", "mqtt.password");
        if (REDACTED.equals(password) && previous != null) {
            password = previous.password();
        }
        MqttSettings.Builder builder = MqttSettings.builder().broker(text(json, "broker", "mqtt.broker"))
                .clientId(text(json, "client_id", "mqtt.client_id"))
                .credentials(text(json, "username", "mqtt.username"), password)
                .topic(text(json, "topic", "mqtt.topic")).payload(text(json, "payload", "mqtt.payload"));
        JsonNode qos = json.get("qos");
        if (qos != null && !qos.isNull()) {
            if (!qos.isInt()) {
                throw IntegrationException.invalid("mqtt.qos", "must be 0, 1 or 2");
            }
            builder.qos(qos.intValue());
        }
        JsonNode retain = json.get("retain");
        if (retain != null && !retain.isNull()) {
            if (!retain.isBoolean()) {
                throw IntegrationException.invalid("mqtt.retain", "must be true or false");
            }
            builder.retain(retain.booleanValue());
        }
        return builder.build();
    }

    /** The spec as JSON, with passwords shown as {@link #REDACTED} if {@code redact}. */
    public static ObjectNode specJson(IntegrationSpec spec, boolean redact) {
        ObjectNode json = JSON.createObjectNode();
        json.put("name", spec.name());
        json.put("event", spec.eventPrefix());
        json.put("device", spec.deviceFilter());
        json.put("enabled", spec.enabled());
        String type = spec.target().type();
        json.put("type", type);
        KINDS.get(type).write(spec.target(), json.putObject(type), redact);
        return json;
    }

    private static void writeWebhook(WebhookSettings w, ObjectNode webhook, boolean redact) {
        webhook.put("url", w.url());
        webhook.put("method", w.method());
        w.headers().forEach(webhook.putObject("headers")::put);
        w.query().forEach(webhook.putObject("query")::put);
        switch (w.bodyKind()) {
            case JSON -> webhook.set("json", w.json());
            case FORM -> w.form().forEach(webhook.putObject("form")::put);
            case BODY -> webhook.put("body", w.body());
            case DEFAULT_FORM -> { }
        }
        if (w.username() != null) {
            ObjectNode auth = webhook.putObject("auth");
            auth.put("username", w.username());
            auth.put("password", secret(w.password(), redact));
        }
        webhook.put("response_topic", w.responseTopic());
        webhook.put("error_topic", w.errorTopic());
        webhook.put("timeout_seconds", w.timeout().toMillis() / 1000.0);
    }

    private static void writeMqtt(MqttSettings m, ObjectNode mqtt, boolean redact) {
        mqtt.put("broker", m.broker());
        mqtt.put("client_id", m.clientId());
        mqtt.put("username", m.username());
        mqtt.put("password", secret(m.password(), redact));
        mqtt.put("topic", m.topic());
        mqtt.put("payload", m.payload());
        mqtt.put("qos", m.qos());
        mqtt.put("retain", m.retain());
    }

    /** An integration as the API and the CLI show it: its spec (passwords redacted) plus id, owner and state. */
    public static ObjectNode toJson(Integration integration) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", integration.id());
        json.put("owner", integration.owner());
        json.setAll(specJson(integration.spec(), true));
        json.put("paused", integration.paused());
        json.put("version", integration.version());
        json.put("created", integration.created().toString());
        json.put("updated", integration.updated().toString());
        return json;
    }

    /** {@link #toJson(Integration)} plus its deliveries by state, as {@code "queue": {"pending", ...}}. */
    public static ObjectNode toJson(Integration integration, QueueCounts counts) {
        ObjectNode json = toJson(integration);
        ObjectNode queue = json.putObject("queue");
        queue.put("pending", counts.pending());
        queue.put("leased", counts.leased());
        queue.put("paused", counts.paused());
        queue.put("dead", counts.dead());
        return json;
    }

    private static String secret(String value, boolean redact) {
        return value == null ? null : redact ? REDACTED : value;
    }

    private static void refuseOther(JsonNode json, String other, String type) {
        if (json.hasNonNull(other)) {
            throw IntegrationException.invalid(other, "must not be given for type '" + type + "'");
        }
    }

    private static void checkFields(String prefix, JsonNode json, Set<String> known) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw IntegrationException.invalid(prefix + name, "unknown field; known are " + known.stream().sorted()
                        .toList());
            }
        }
    }

    private static String text(JsonNode json, String name, String field) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw IntegrationException.invalid(field, "must be a string");
        }
        return value.textValue();
    }

    private static JsonNode object(JsonNode json, String name, String field, boolean required) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw IntegrationException.invalid(field, "is required for type '" + name + "'");
            }
            return null;
        }
        if (!value.isObject()) {
            throw IntegrationException.invalid(field, "must be a JSON object");
        }
        return value;
    }

    private static Map<String, String> stringMap(JsonNode json, String name, String field) {
        JsonNode value = object(json, name, field, false);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null) {
            return map;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw IntegrationException.invalid(field + "." + entry.getKey(), "must be a string");
            }
            map.put(entry.getKey(), entry.getValue().textValue());
        }
        return map;
    }
}
