package io.corral.cloud.integrations.queue;

/**
 * How many deliveries of an integration (or of all) are in each state.
 *
 * @param pending waiting to be sent or waiting for a retry, not leased
 * @param leased  held by a worker right now
 * @param paused  held back because the integration is paused
 * @param dead    dead letters, waiting for a replay
 */
public record QueueCounts(long pending, long leased, long paused, long dead) {
    public long total() {
        return pending + leased + paused + dead;
    }
}
