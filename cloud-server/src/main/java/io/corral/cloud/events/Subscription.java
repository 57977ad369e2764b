package io.corral.cloud.events;

/** A live subscription; {@link #cancel()} stops delivery. Cancelling twice is harmless. */
public interface Subscription extends AutoCloseable {

    /** The owner whose events this subscription sees. */
    String owner();

    /** Event names must start with this prefix; the empty prefix matches every event. */
    String prefix();

    /** Only events from this source (a device id or {@code api}); null for any source. */
    String deviceFilter();

    void cancel();

    /** Same as {@link #cancel()}, for try-with-resources. */
    @Override
    default void close() {
        cancel();
    }
}
