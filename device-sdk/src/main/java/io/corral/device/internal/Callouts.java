package io.corral.device.internal;

import io.corral.device.ConnectionListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call from the device into its user's code goes through here: connection listeners, function handlers,
 * variable suppliers, event handlers and the thread factory. Such code runs on the device's own threads (the
 * receive loop, the CoAP executor, the reconnect thread), where an exception that escaped would end a reconnect
 * loop, leave a state half changed, or leave the cloud without an answer. So a call-out that throws never breaks
 * the device: the failure is logged, counted, and reported to every listener's
 * {@link ConnectionListener#onError(String, Throwable)}.
 *
 * <p>Throwables, not only exceptions, are caught: an {@code AssertionError} or a {@code NoClassDefFoundError} in a
 * handler is the handler's failure, not the device's. Thread-safe.
 */
final class Callouts {
    private static final Logger LOG = LoggerFactory.getLogger(Callouts.class);

    private final String deviceId;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder failures = new LongAdder();

    Callouts(String deviceId) {
        this.deviceId = deviceId;
    }

    void addListener(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** How many call-outs have thrown so far. */
    long failures() {
        return failures.sum();
    }

    /**
     * Calls every listener in the order they were added; one that throws is reported, and the next one is still
     * called.
     *
     * @param method the listener method, for the report, e.g. {@code "onStateChanged"}
     */
    void toListeners(String method, Consumer<ConnectionListener> call) {
        for (ConnectionListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (Throwable e) {
                failed("ConnectionListener." + method, e, true);
            }
        }
    }

    /**
     * Records that a call-out threw: counts it, logs it and tells every listener. A listener whose
     * {@code onError} throws in turn is only logged, so that a report cannot loop.
     *
     * @param callout names what threw, e.g. {@code "function 'led'"}
     * @param loud    whether to log at WARN; false logs at DEBUG, for failures the caller already answers for
     *                (a function that throws is a documented way to answer 5.00)
     */
    void failed(String callout, Throwable error, boolean loud) {
        failures.increment();
        if (loud) {
            LOG.warn("device {}: {} threw", deviceId, callout, error);
        } else {
            LOG.debug("device {}: {} threw", deviceId, callout, error);
        }
        for (ConnectionListener listener : listeners) {
            try {
                listener.onError(callout, error);
            } catch (Throwable e) {
                LOG.warn("device {}: ConnectionListener.onError threw while reporting that {} threw", deviceId,
                        callout, e);
            }
        }
    }
}
