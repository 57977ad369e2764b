package io.corral.cloud.integrations.model;

/** Where an integration sends events: a {@link WebhookSettings webhook} or an {@link MqttSettings MQTT broker}. */
public sealed interface IntegrationTarget permits WebhookSettings, MqttSettings {

    /** {@code "webhook"} or {@code "mqtt"}, as in the JSON {@code type} field. */
    String type();

    /**
     * The destination that circuit breaking is keyed on: scheme, host and port of the URL or broker. Failures
     * of one destination slow down only the integrations that send there.
     */
    String destination();
}
