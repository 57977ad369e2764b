package io.corral.cloud.api;

import io.corral.cloud.coap.DeviceCallException;
import io.corral.cloud.events.EventListener;
import io.corral.cloud.events.Subscription;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.ops.Ops;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.registry.UserStore;
import io.corral.protocol.Limits;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the HTTP API needs from the rest of the cloud. {@code io.corral.cloud.Cloud} implements it over its
 * registry, token store, live device sessions and event bus; the API sees no CoAP or DTLS types.
 */
public interface ApiBackend {
    /** The content type of {@link #metrics()}: Prometheus text exposition format 0.0.4. */
    String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    DeviceRegistry registry();

    TokenStore tokens();

    /** Users and OAuth clients, which {@code POST /oauth/token} logs in. */
    UserStore users();

    /** The limits devices are held to; the API checks function arguments against them before sending. */
    Limits limits();

    /** The cloud's public key (SubjectPublicKeyInfo DER), which credential files carry for devices to pin. */
    byte[] cloudPublicKeySpki();

    /** The UDP port devices connect to, for credential files. */
    int coapPort();

    /** The device's live session, if it is connected now. */
    Optional<DevicePresence> presence(String deviceId);

    /** Every meter of the cloud in the Prometheus text format, for {@code GET /metrics}. */
    String metrics();

    /** Why the cloud cannot serve devices, or empty when it can (for {@code /readyz}). */
    Optional<String> notReadyReason();

    /** Calls a function on a connected device; fails with a {@link DeviceCallException}. */
    CompletableFuture<Integer> callFunction(String deviceId, String name, String argument, Duration timeout);

    /** Reads a variable of a connected device as JSON text; fails with a {@link DeviceCallException}. */
    CompletableFuture<String> readVariable(String deviceId, String name, Duration timeout);

    /**
     * Publishes an event of {@code owner} from the API to its subscribed devices and event streams.
     *
     * @throws IllegalArgumentException naming the rule a bad name, data size or TTL breaks
     * @throws io.corral.cloud.integrations.IntegrationException if it could not be queued for integrations
     */
    void publish(String owner, String name, String data, int ttlSeconds);

    /**
     * Subscribes to the owner's events whose names start with {@code prefix}; {@code deviceFilter} limits them to
     * one source, null for all. The listener runs on the event bus's thread and must not block.
     */
    Subscription subscribe(String owner, String prefix, String deviceFilter, EventListener listener);

    /** The integrations (store, queue, stats), or empty if this cloud runs none. */
    Optional<Integrations> integrations();

    /** The cloud's alerting, whose state the status page shows; empty when the cloud runs none. */
    default Optional<Ops> ops() {
        return Optional.empty();
    }
}
