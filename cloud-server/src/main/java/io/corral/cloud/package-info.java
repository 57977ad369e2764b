/**
 * The Corral cloud. Start with {@link io.corral.cloud.Cloud}: {@code Cloud.builder()...build()} (the settings and
 * their defaults are on {@link io.corral.cloud.CloudBuilder}), then {@code start()}. {@code Cloud} only composes:
 * the parts it wires live in the sub-packages: {@code storage} (where everything is kept), {@code coap} (the
 * device endpoint), {@code events} (the ingress every publish goes through, and routing), {@code registry}
 * (devices, keys and tokens), {@code api} (the HTTP API), {@code integrations} (webhooks, MQTT and their durable
 * queue), {@code ops} (alerting, metrics, the fd watchdog) and {@code sqlite} (what every SQLite file shares).
 */
package io.corral.cloud;
