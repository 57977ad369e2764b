package io.corral.cloud.integrations.delivery;

import java.util.concurrent.CompletableFuture;

/** Sends one delivery to its integration's destination. Never blocks the caller; never completes exceptionally. */
interface Sender extends AutoCloseable {
    CompletableFuture<SendResult> send(Delivery delivery, Integration integration);

    @Override
    void close();
}
