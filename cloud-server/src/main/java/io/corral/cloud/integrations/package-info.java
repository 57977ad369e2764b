/**
 * Integrations: webhooks and MQTT brokers that receive an owner's events, and the machinery that delivers to
 * them without losing an acknowledged event.
 *
 * <p>Where to start:
 * <ul>
 *   <li>{@link io.corral.cloud.integrations.IntegrationSpec} with {@link io.corral.cloud.integrations.WebhookSettings}
 *       or {@link io.corral.cloud.integrations.MqttSettings}: what an integration is; builders and
 *       {@link io.corral.cloud.integrations.IntegrationJson} validate, naming the bad field.</li>
 *   <li>{@link io.corral.cloud.integrations.DeliveryQueue} and {@link io.corral.cloud.integrations.IntegrationStore}:
 *       the pluggable storage; {@link io.corral.cloud.integrations.SqliteIntegrationDatabase} is the embedded one
 *       ({@code DATA_DIR/integrations.db}).</li>
 *   <li>{@link io.corral.cloud.integrations.Integrations}: the hand-off of accepted events (committed before the
 *       device's ACK, group-committed) and the supervised workers that lease deliveries and send them, with
 *       retries ({@link io.corral.cloud.integrations.RetryPolicy}), dead letters, per-destination circuit breaking
 *       and bounded connections ({@link io.corral.cloud.integrations.IntegrationSettings}).</li>
 * </ul>
 */
package io.corral.cloud.integrations;
