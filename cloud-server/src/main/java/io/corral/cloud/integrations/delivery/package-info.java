/**
 * Delivery: the supervised workers that lease deliveries from the queue, the webhook and MQTT senders (one per
 * kind of target, registered in {@link io.corral.cloud.integrations.delivery.Senders}), the
 * per-destination lanes and circuit breakers, the retry schedule and the hook events sent back onto the bus.
 * {@link io.corral.cloud.integrations.delivery.RetryPolicy} is configuration an embedder sets; the other public
 * types here are public only so that {@link io.corral.cloud.integrations.Integrations} can assemble them, and
 * are not an API to build on: start from {@code Integrations}.
 */
package io.corral.cloud.integrations.delivery;
