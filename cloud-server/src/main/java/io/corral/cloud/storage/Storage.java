package io.corral.cloud.storage;

import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.ops.IncidentStore;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.registry.UserStore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything a cloud node keeps: the device registry, the API's access tokens, users and OAuth clients, the integrations with their
 * durable delivery queue, and the alerting incidents. One implementation per engine ({@code sqlite:DIR},
 * {@code memory}, and later PostgreSQL/JetStream); the cloud and the CLI see only this interface.
 *
 * <p>Parts are opened on first use, so a command that only lists devices never opens the queue. Every part
 * belongs to the storage: callers never close a part, they close the storage, which closes what it opened.
 * Implementations are thread-safe.
 */
public interface Storage extends AutoCloseable {

    /** Devices, owners and the cloud's key pair. */
    DeviceRegistry registry();

    /** The HTTP API's access tokens. */
    TokenStore tokens();

    /** Users who log in with a password, and OAuth clients: the credentials {@code POST /oauth/token} checks. */
    UserStore users();

    /** Integrations (webhooks, MQTT) and their change counter. */
    IntegrationStore integrations();

    /** The durable queue of deliveries to integrations; an event is acknowledged once it is committed here. */
    DeliveryQueue deliveryQueue();

    /** Alerting incidents behind the status page. */
    IncidentStore incidents();

    /**
     * The directory for this node's own files (the DTLS connections a graceful stop saves), or empty when the
     * storage keeps nothing on disk.
     */
    Optional<Path> directory();

    /** The {@code storage} setting this was opened from, for banners and logs: {@code sqlite:/abs/dir}, {@code memory}. */
    String describe();

    /** Closes every part that was opened, in reverse order of opening; idempotent. */
    @Override
    void close();
}
