package io.corral.cloud.integrations.model;

/**
 * Where an integration sends events: a {@link WebhookSettings webhook} or an {@link MqttSettings MQTT broker}.
 *
 * <p>Sealed, so that code which treats the kinds differently does it with an exhaustive {@code switch}, never
 * an {@code instanceof} chain, and the compiler names every place a new kind must be handled. A new kind is one
 * class here, added to {@code permits}, plus its registrations: its JSON type name and form in
 * {@link IntegrationJson}, and its sender in {@code io.corral.cloud.integrations.delivery.Senders}. The compiler
 * then asks for its case in the delivery's switches: which sender, and which hook events it answers with.
 */
public sealed interface IntegrationTarget permits WebhookSettings, MqttSettings {

    /** {@code "webhook"} or {@code "mqtt"}, as in the JSON {@code type} field. */
    String type();

    /**
     * The destination that circuit breaking is keyed on: scheme, host and port of the URL or broker. Failures
     * of one destination slow down only the integrations that send there.
     */
    String destination();

    /**
     * This target as the store keeps it for integration {@code integrationId}, with anything its kind derives
     * from the integration filled in. An MQTT target without a client id gets one, for example, and keeps the one
     * {@code previous} had. This one is returned when nothing needs filling in.
     *
     * @param previous the integration's stored target before an update; null when creating
     */
    default IntegrationTarget storedFor(String integrationId, IntegrationTarget previous) {
        return this;
    }
}
