package io.corral.cloud.storage;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parts in the order they were opened, for whatever opens several: a {@link Storage} its stores, the cloud its
 * storage, endpoint, integrations and API. {@link #close()} closes them in reverse, newest first, so a part
 * closes before what it uses; a part that fails to close is logged and the rest still close. A failed start and
 * the final close share one stack, so there is one close order, not one per failure path. Thread-safe.
 *
 * <pre>{@code
 * CloseStack parts = new CloseStack();
 * Registry registry = parts.push("registry", Registry.open(dir));
 * Endpoint endpoint = parts.push("endpoint", Endpoint.bind(registry)); // if bind throws, close() still closes the registry
 * parts.close();                                                        // the endpoint, then the registry
 * }</pre>
 */
public final class CloseStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloseStack.class);

    private record Part(String name, AutoCloseable closeable) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Part> parts = new ArrayDeque<>();

    /**
     * Adds a part that has just been opened and returns it; {@code name} is for the log line should it fail to
     * close.
     */
    public <T extends AutoCloseable> T push(String name, T part) {
        lock.lock();
        try {
            parts.push(new Part(name, part));
            return part;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every part pushed so far, newest first, each once. */
    @Override
    public void close() {
        lock.lock();
        try {
            while (!parts.isEmpty()) {
                Part part = parts.pop();
                try {
                    part.closeable().close();
                } catch (Exception e) {
                    LOG.warn("could not close the {}; closing the other parts anyway", part.name(), e);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
