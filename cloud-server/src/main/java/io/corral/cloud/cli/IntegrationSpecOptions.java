package io.corral.cloud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The settings of an integration on the command line: either {@code --file} with the JSON the REST API takes, or
 * options that build the same JSON. Either way {@code IntegrationJson.parseSpec} validates it, so the CLI refuses
 * exactly what the API refuses, with the same messages.
 */
final class IntegrationSpecOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--file", paramLabel = "FILE",
                description = "The integration as JSON, as POST /v1/integrations takes it; '-' reads standard input.")
        String file;

        @ArgGroup(exclusive = false)
        Flags flags;
    }

    static final class Flags {
        @Option(names = "--event", paramLabel = "PREFIX", required = true,
                description = "Events whose names start with this go to the integration ('' for all).")
        String event;

        @Option(names = "--device", paramLabel = "ID", description = "Only events of this device (or 'api').")
        String device;

        @Option(names = "--name", paramLabel = "TEXT", description = "A label for people.")
        String name;

        @Option(names = "--disabled", description = "Create it without taking events yet.")
        boolean disabled;

        @Option(names = "--webhook", paramLabel = "URL", description = "Send to this http(s) URL (a template).")
        String url;

        @Option(names = "--method", paramLabel = "METHOD", description = "GET, POST, PUT or DELETE (default POST).")
        String method;

        @Option(names = "--header", paramLabel = "NAME=TEMPLATE", description = "A request header; repeatable.")
        Map<String, String> headers = new LinkedHashMap<>();

        @Option(names = "--query", paramLabel = "NAME=TEMPLATE", description = "A query parameter; repeatable.")
        Map<String, String> query = new LinkedHashMap<>();

        @Option(names = "--json", paramLabel = "JSON", description = "JSON body whose string values are templates.")
        String json;

        @Option(names = "--form", paramLabel = "NAME=TEMPLATE", description = "A form body field; repeatable.")
        Map<String, String> form;

        @Option(names = "--body", paramLabel = "TEMPLATE", description = "A body sent as it renders.")
        String body;

        @Option(names = "--auth", paramLabel = "USER:PASSWORD", description = "HTTP basic authentication.")
        String auth;

        @Option(names = "--response-topic", paramLabel = "TEMPLATE",
                description = "Topic of hook-response events (default hook-response/{{PARTICLE_EVENT_NAME}}).")
        String responseTopic;

        @Option(names = "--error-topic", paramLabel = "TEMPLATE",
                description = "Topic of hook-error events (default hook-error/{{PARTICLE_EVENT_NAME}}).")
        String errorTopic;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Webhook timeout, 1s to 60s (default 20s).")
        Duration timeout;

        @Option(names = "--mqtt", paramLabel = "BROKER", description = "Publish to this broker: tcp://, ssl://, ws://, wss://.")
        String broker;

        @Option(names = "--topic", paramLabel = "TEMPLATE", description = "MQTT topic template.")
        String topic;

        @Option(names = "--payload", paramLabel = "TEMPLATE", description = "MQTT payload template (default: the event data).")
        String payload;

        @Option(names = "--qos", paramLabel = "N", description = "MQTT QoS 0, 1 or 2 (default 1).")
        Integer qos;

        @Option(names = "--retain", description = "Publish MQTT messages with the retain flag.")
        boolean retain;

        @Option(names = "--client-id", paramLabel = "ID", description = "MQTT client id (default corral-<integration id>).")
        String clientId;

        @Option(names = "--username", paramLabel = "NAME", description = "MQTT user name.")
        String username;

        @Option(names = "--password", paramLabel = "TEXT", description = "MQTT password.")
        String password;
    }

    /** The JSON of the integration, not validated yet. */
    ObjectNode json() {
        if (source.file != null) {
            return read(source.file);
        }
        Flags f = source.flags;
        ObjectNode json = JSON.createObjectNode();
        json.put("name", f.name);
        json.put("event", f.event);
        json.put("device", f.device);
        json.put("enabled", !f.disabled);
        if ((f.url == null) == (f.broker == null)) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, "give exactly one of --webhook URL and --mqtt BROKER");
        }
        String misplaced = f.url != null ? misplaced("--mqtt", f.topic, f.payload, f.qos, f.retain ? true : null,
                f.clientId, f.username, f.password)
                : misplaced("--webhook", f.method, f.headers.isEmpty() ? null : f.headers, f.query.isEmpty() ? null : f.query,
                        f.json, f.form, f.body, f.auth, f.responseTopic, f.errorTopic, f.timeout);
        if (misplaced != null) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, misplaced);
        }
        if (f.url != null) {
            json.put("type", "webhook");
            ObjectNode webhook = json.putObject("webhook");
            webhook.put("url", f.url);
            webhook.put("method", f.method);
            f.headers.forEach(webhook.putObject("headers")::put);
            f.query.forEach(webhook.putObject("query")::put);
            if (f.json != null) {
                try {
                    webhook.set("json", JSON.readTree(f.json));
                } catch (IOException e) {
                    throw new CommandFailure(CloudCli.EXIT_USAGE, "--json is not valid JSON: " + e.getMessage());
                }
            }
            if (f.form != null) {
                f.form.forEach(webhook.putObject("form")::put);
            }
            webhook.put("body", f.body);
            if (f.auth != null) {
                int colon = f.auth.indexOf(':');
                ObjectNode auth = webhook.putObject("auth");
                auth.put("username", colon < 0 ? f.auth : f.auth.substring(0, colon));
                auth.put("password", colon < 0 ? null : f.auth.substring(colon + 1));
            }
            webhook.put("response_topic", f.responseTopic);
            webhook.put("error_topic", f.errorTopic);
            if (f.timeout != null) {
                webhook.put("timeout_seconds", f.timeout.toMillis() / 1000.0);
            }
        } else {
            json.put("type", "mqtt");
            ObjectNode mqtt = json.putObject("mqtt");
            mqtt.put("broker", f.broker);
            mqtt.put("topic", f.topic);
            mqtt.put("payload", f.payload);
            mqtt.put("qos", f.qos);
            mqtt.put("retain", f.retain);
            mqtt.put("client_id", f.clientId);
            mqtt.put("username", f.username);
            mqtt.put("password", f.password);
        }
        return json;
    }

    /** Options of the other kind of integration would be dropped silently; say so instead. */
    private static String misplaced(String kind, Object... values) {
        for (Object value : values) {
            if (value != null) {
                return "an option given applies to " + kind + " integrations only (see --help)";
            }
        }
        return null;
    }

    private static ObjectNode read(String file) {
        JsonNode node;
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            node = JSON.readTree(in);
        } catch (IOException e) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, "cannot read --file " + file + ": " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, "--file " + file + " must hold a JSON object");
        }
        return (ObjectNode) node;
    }
}
