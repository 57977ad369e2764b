/**
 * The Corral cloud. Start with {@link io.corral.cloud.Cloud}: {@code Cloud.builder()...build()}, then
 * {@code start()}. The parts it wires live in the sub-packages: {@code coap} (the device endpoint),
 * {@code events} (routing), {@code registry} (devices, keys and tokens), {@code api} (the HTTP API),
 * {@code integrations} (webhooks, MQTT and their durable queue), {@code ops} (the fd watchdog) and {@code sqlite}
 * (what every SQLite file shares).
 */
package io.corral.cloud;
