package io.corral.cloud.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.model.WebhookSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad integration is refused when it is created, with a message that starts with the bad field's name. */
class IntegrationSpecValidationTest {

    private static void refused(String json, String field, String message) {
        assertThatThrownBy(() -> IntegrationJson.parseSpec(json))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(IntegrationException.Reason.INVALID_INPUT);
                    assertThat(e.field()).isEqualTo(field);
                })
                .hasMessage(message);
    }

    private static String webhook(String settings) {
        return "{\"event\": \"temp\", \"type\": \"webhook\", \"webhook\": {" + settings + "}}";
    }

    @Test
    void a_url_that_is_not_http_or_has_a_templated_host_is_refused() {
        refused(webhook("\"url\": \"ftp://example.com/x\""), "webhook.url",
                "webhook.url: must start with http:// or https://, was 'ftp://example.com/x'");
        refused(webhook("\"url\": \"https://{{PARTICLE_EVENT_VALUE}}/x\""), "webhook.url",
                "webhook.url: the host must be literal, not a template: '{{PARTICLE_EVENT_VALUE}}'");
        refused(webhook("\"url\": \"http:///path\""), "webhook.url", "webhook.url: has no host: 'http:///path'");
        refused(webhook("\"url\": \"https://user:pw@example.com/\""), "webhook.url",
                "webhook.url: must not carry credentials; use webhook.auth");
        refused(webhook("\"method\": \"POST\""), "webhook.url", "webhook.url: must be a template string, was missing");
    }

    @Test
    void an_invalid_template_is_refused_naming_the_field() {
        refused(webhook("\"url\": \"https://example.com/{{PARTICLE_DEVICE_ID\""), "webhook.url",
                "webhook.url: invalid mustache template: tag '{{PARTICLE_DEVICE_ID' at character 20 is not closed with }}");
        refused(webhook("\"url\": \"https://example.com\", \"json\": {\"a\": {\"b\": \"{{#x}}\"}}"), "webhook.json.a.b",
                "webhook.json.a.b: invalid mustache template: Section missing close tag 'x' @ line 1");
        refused(webhook("\"url\": \"https://example.com\", \"body\": \"{{/x}}\""), "webhook.body",
                "webhook.body: invalid mustache template: Section close tag with no open tag 'x' @ line 1");
        refused(webhook("\"url\": \"https://example.com\", \"response_topic\": \"{{\""), "webhook.response_topic",
                "webhook.response_topic: invalid mustache template: tag '{{' at character 0 is not closed with }}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "method": "PATCH"                          | webhook.method          | webhook.method: must be one of [GET, POST, PUT, DELETE], was 'PATCH'
            "method": "GET", "body": "x"               | webhook.body            | webhook.body: a GET request has no body; use webhook.query instead
            "body": "x", "form": {"a": "b"}            | webhook.json            | webhook.json: give at most one of json, form and body
            "timeout_seconds": 61                      | webhook.timeout_seconds | webhook.timeout_seconds: must be in [1, 60] seconds, was 61.0
            "timeout_seconds": "20"                    | webhook.timeout_seconds | webhook.timeout_seconds: must be a number of seconds
            "headers": {"Bad Header": "x"}             | webhook.headers.Bad Header | webhook.headers.Bad Header: is not a valid HTTP header name (character 3)
            "headers": {"X-N": 1}                      | webhook.headers.X-N     | webhook.headers.X-N: must be a string
            "auth": {"password": "p"}                  | webhook.auth.username   | webhook.auth.username: is required when a password is given
            "retries": 3                               | webhook.retries         | webhook.retries: unknown field; known are [auth, body, error_topic, form, headers, json, method, query, response_topic, timeout_seconds, url]
            """)
    void each_bad_webhook_setting_is_named(String extra, String field, String message) {
        refused(webhook("\"url\": \"https://example.com/in\", " + extra), field, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "broker": "http://b:1883", "topic": "t"        | mqtt.broker | mqtt.broker: scheme must be one of [tcp, ssl, ws, wss], was 'http://b:1883'
            "topic": "t"                                   | mqtt.broker | mqtt.broker: is required, for example tcp://broker:1883
            "broker": "tcp://b:1883"                       | mqtt.topic  | mqtt.topic: must be a topic template, was empty
            "broker": "tcp://b:1883", "topic": "a/#"       | mqtt.topic  | mqtt.topic: must not contain the wildcards + or #: 'a/#'
            "broker": "tcp://b:1883", "topic": "t", "qos": 3 | mqtt.qos  | mqtt.qos: must be 0, 1 or 2, was 3
            "broker": "tcp://b:1883", "topic": "{{t"       | mqtt.topic  | mqtt.topic: invalid mustache template: tag '{{t' at character 0 is not closed with }}
            """)
    void each_bad_mqtt_setting_is_named(String settings, String field, String message) {
        refused("{\"event\": \"temp\", \"type\": \"mqtt\", \"mqtt\": {" + settings + "}}", field, message);
    }

    @Test
    void the_common_fields_are_checked_too() {
        refused("{\"type\": \"webhook\", \"webhook\": {\"url\": \"https://e.com\"}}", "event",
                "event: is required: the event name prefix to send ('' for all)");
        refused("{\"event\": \"hook-response/x\", \"type\": \"webhook\", \"webhook\": {\"url\": \"https://e.com\"}}",
                "event", "event: events under 'hook-response/' are the cloud's own and never trigger integrations");
        refused("{\"event\": \"t\", \"device\": \"abc\", \"type\": \"webhook\", \"webhook\": {\"url\": \"https://e.com\"}}",
                "device", "device: must be a device id (24 lowercase hex characters) or 'api', was 'abc'");
        refused("{\"event\": \"t\", \"type\": \"ftp\"}", "type", "type: must be 'webhook' or 'mqtt', was 'ftp'");
        refused("{\"event\": \"t\", \"type\": \"webhook\"}", "webhook", "webhook: is required for type 'webhook'");
        refused("{\"event\": \"t\", \"type\": \"webhook\", \"webhook\": {\"url\": \"https://e.com\"}, \"mqtt\": {}}",
                "mqtt", "mqtt: must not be given for type 'webhook'");
        refused("[1]", "body", "body: must be a JSON object");
        refused("{\"event\": ", "body", "body: is not valid JSON: Unexpected end-of-input within/between Object entries");
    }

    @Test
    void a_good_spec_survives_a_round_trip_through_json_with_passwords_redacted_on_display() {
        IntegrationSpec spec = IntegrationJson.parseSpec(webhook("""
                "url": "https://example.com/{{PARTICLE_DEVICE_ID}}", "method": "put", "headers": {"X-A": "1"},
                "json": {"v": "{{PARTICLE_EVENT_VALUE}}"}, "auth": {"username": "u", "password": "p"},
                "timeout_seconds": 2.5"""));
        WebhookSettings webhook = (WebhookSettings) spec.target();
        assertThat(webhook.method()).isEqualTo("PUT");
        assertThat(webhook.timeout().toMillis()).isEqualTo(2_500);
        assertThat(webhook.destination()).isEqualTo("https://example.com:443");
        assertThat(IntegrationJson.parseSpec(IntegrationJson.specJson(spec, false).toString())).isEqualTo(spec);
        assertThat(IntegrationJson.specJson(spec, true).get("webhook").get("auth").get("password").asText())
                .isEqualTo(IntegrationJson.REDACTED);
        IntegrationSpec kept = IntegrationJson.parseSpec(IntegrationJson.specJson(spec, true), spec);
        assertThat(((WebhookSettings) kept.target()).password()).as("a redacted password keeps the stored one")
                .isEqualTo("p");
    }
}
