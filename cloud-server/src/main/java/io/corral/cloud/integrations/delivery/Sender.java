package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.model.Integration;
import java.util.concurrent.CompletableFuture;

/** Sends one delivery to its integration's destination. Never blocks the caller; never completes exceptionally. */
public interface Sender extends AutoCloseable {
    CompletableFuture<SendResult> send(Delivery delivery, Integration integration);

    @Override
    void close();
}
