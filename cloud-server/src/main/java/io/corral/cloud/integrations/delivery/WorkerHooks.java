package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.integrations.model.Delivery;
import java.io.IOException;

/**
 * Points where tests make a worker fail on purpose, to prove the supervisor and the alert rules cope. Production
 * uses {@link #NONE}, whose methods do nothing. Tests set hooks through {@link IntegrationSettings.Builder}'s
 * package-private setter, which reaches an {@link Integrations} and an embedded {@code Cloud} alike.
 */
public interface WorkerHooks {
    WorkerHooks NONE = new WorkerHooks() { };

    /**
     * Runs on the worker's thread before it sends each delivery; may throw or block to play a broken worker. An
     * exception ends the worker as any failure of its own would (an {@link IOException} such as "Too many open
     * files" plays a worker that ran out of file descriptors); the supervisor then replaces it.
     */
    default void beforeDispatch(int slot, Delivery delivery) throws IOException {
    }

    /**
     * Runs after {@link #beforeDispatch}; true means the hook took the delivery over and the worker does not send
     * it, record it or count it. A test uses this to play the silent partial failure the {@code flow-imbalance}
     * rule exists for: a worker that tells the queue a delivery is done without sending it. NONE returns false.
     */
    default boolean takeOver(int slot, Delivery delivery) {
        return false;
    }
}
