/**
 * Integrations: webhooks and MQTT brokers that receive an owner's events, and the machinery that delivers to
 * them without losing an acknowledged event.
 *
 * <p>Where to start:
 * <ul>
 *   <li>{@link io.corral.cloud.integrations.model.IntegrationSpec} with
 *       {@link io.corral.cloud.integrations.model.WebhookSettings} or
 *       {@link io.corral.cloud.integrations.model.MqttSettings}: what an integration is; builders and
 *       {@link io.corral.cloud.integrations.model.IntegrationJson} validate, naming the bad field.</li>
 *   <li>{@link io.corral.cloud.integrations.queue.DeliveryQueue} and
 *       {@link io.corral.cloud.integrations.store.IntegrationStore}: the pluggable storage;
 *       {@link io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase} is the embedded one
 *       ({@code DATA_DIR/integrations.db}).</li>
 *   <li>{@link io.corral.cloud.integrations.Integrations}: the hand-off of accepted events (committed before the
 *       device's ACK, group-committed) and the supervised workers that lease deliveries and send them, with
 *       retries ({@link io.corral.cloud.integrations.delivery.RetryPolicy}), dead letters, per-destination circuit
 *       breaking and bounded connections ({@link io.corral.cloud.integrations.IntegrationSettings}).</li>
 * </ul>
 *
 * <p>The sub-packages, one room each: {@code model} (what an integration is, and its JSON), {@code queue} (the
 * delivery queue's interface and records), {@code store} (the integration store's interface and the in-memory
 * index of it), {@code sqlite} (the embedded SQLite file behind both) and {@code delivery} (workers, senders,
 * lanes, breakers, retries). This package keeps the facade and what an embedder configures and hears.
 */
package io.corral.cloud.integrations;
