package io.corral.cloud.integrations;

/**
 * Points where tests make a worker fail on purpose, to prove the supervisor copes. Production uses
 * {@link #NONE}.
 */
interface WorkerHooks {
    WorkerHooks NONE = new WorkerHooks() { };

    /** Runs on the worker's thread before it sends each delivery; may throw or block to play a broken worker. */
    default void beforeDispatch(int slot, Delivery delivery) {
    }
}
