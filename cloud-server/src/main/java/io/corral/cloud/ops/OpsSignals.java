package io.corral.cloud.ops;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The numbers the alert evaluator reads, once per evaluation. Every method has a default that says "not
 * available", so a source implements only what it knows; a rule whose signal is not available stays quiet and the
 * status page lists it as not wired. Implementations must be cheap and thread-safe: they are called from the
 * evaluator's thread.
 */
public interface OpsSignals {

    /** Devices with a live session now. */
    default Optional<Long> connectedDevices() {
        return Optional.empty();
    }

    /** Events published (devices and API) since start: a counter that only grows. */
    default Optional<Long> eventsPublished() {
        return Optional.empty();
    }

    /** Conservation counters of the integration pipeline. */
    default Optional<Flow> flow() {
        return Optional.empty();
    }

    /** Integration workers and their heartbeats; empty when this process runs none. */
    default Optional<List<Worker>> workers() {
        return Optional.empty();
    }

    /** File descriptors of this process. */
    default Optional<Fds> fds() {
        return Optional.empty();
    }

    /** API responses and server errors since start. */
    default Optional<ApiResponses> apiResponses() {
        return Optional.empty();
    }

    /** The cloud's periodic tasks (fd watchdog, alert evaluation, flushers…) and when each last finished a run. */
    default Optional<List<Periodic.Task>> periodicTasks() {
        return Optional.empty();
    }

    /** Free space of the file system that holds the cloud's data. */
    default Optional<Disk> disk() {
        return Optional.empty();
    }

    /** DTLS handshake admission counters since start. */
    default Optional<Admission> admission() {
        return Optional.empty();
    }

    /**
     * What went into and out of the integration pipeline since start. Over any window, the change of
     * {@code matched} should equal the change of {@code delivered + failed + queued}.
     *
     * @param matched       deliveries created: events that matched an integration, one per integration (counter)
     * @param delivered     deliveries the receiver accepted (counter)
     * @param failed        deliveries given up on: dead-lettered or dropped (counter)
     * @param queued        deliveries still held by the queue now, pending or leased (gauge)
     * @param oldestPending age of the oldest delivery still waiting, zero when none waits
     * @param slack         how many deliveries the counters saw come and go while the queue was being counted: the
     *                      counters and the gauge cannot be read at one instant, so one sample's balance is only
     *                      known to within this many
     */
    record Flow(long matched, long delivered, long failed, long queued, Duration oldestPending, long slack) {
    }

    /**
     * One integration worker.
     *
     * @param name          stable name, such as {@code worker-2}
     * @param lastHeartbeat when it last said it was alive, as epoch milliseconds
     * @param restarts      how often the supervisor restarted it since start (counter)
     */
    record Worker(String name, long lastHeartbeat, long restarts) {
    }

    /** Open and maximum file descriptors of the process. */
    record Fds(long open, long max) {
        public double utilisation() {
            return max <= 0 ? 0 : (double) open / max;
        }
    }

    /**
     * Space of the file system under the data directory.
     *
     * @param path  the data directory
     * @param free  bytes a write may still use (usable space)
     * @param total size of the file system
     */
    record Disk(String path, long free, long total) {
    }

    /** Handshakes admitted and deferred (answered "retry later") since start, both counters. */
    record Admission(long admitted, long deferred) {
    }

    /** API responses sent and how many were 5xx, both counters. */
    record ApiResponses(long responses, long serverErrors) {
    }

    /** Combines sources: for each signal, the first source that has it wins. */
    static OpsSignals firstOf(List<OpsSignals> sources) {
        List<OpsSignals> all = List.copyOf(sources);
        return new OpsSignals() {
            @Override
            public Optional<Long> connectedDevices() {
                return all.stream().map(OpsSignals::connectedDevices).flatMap(Optional::stream).findFirst();
            }

            @Override
            public Optional<Long> eventsPublished() {
                return all.stream().map(OpsSignals::eventsPublished).flatMap(Optional::stream).findFirst();
            }

            @Override
            public Optional<Flow> flow() {
                return all.stream().map(OpsSignals::flow).flatMap(Optional::stream).findFirst();
            }

            @Override
            public Optional<List<Worker>> workers() {
                return all.stream().map(OpsSignals::workers).flatMap(Optional::stream).findFirst();
            }

            @Override
            public Optional<Fds> fds() {
                return all.stream().map(OpsSignals::fds).flatMap(Optional::stream).findFirst();
            }

            @Override
            public Optional<ApiResponses> apiResponses() {
                return all.stream().map(OpsSignals::apiResponses).flatMap(Optional::stream).findFirst();
            }

            @Override
            public Optional<Admission> admission() {
                return all.stream().map(OpsSignals::admission).flatMap(Optional::stream).findFirst();
            }

            @Override
            public Optional<List<Periodic.Task>> periodicTasks() {
                return all.stream().map(OpsSignals::periodicTasks).flatMap(Optional::stream).findFirst();
            }

            @Override
            public Optional<Disk> disk() {
                return all.stream().map(OpsSignals::disk).flatMap(Optional::stream).findFirst();
            }
        };
    }
}
