package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationTarget;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one delivery to its integration's destination, for one kind of target. Never blocks the caller; never
 * completes exceptionally.
 *
 * @param <T> the kind of target it sends to
 */
interface Sender<T extends IntegrationTarget> extends AutoCloseable {

    /** @param target the integration's target, which {@link Dispatcher} has already matched to this kind */
    CompletableFuture<SendResult> send(Delivery delivery, Integration integration, T target);

    @Override
    void close();
}
