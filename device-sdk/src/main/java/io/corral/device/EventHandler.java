package io.corral.device;

/**
 * Receives events delivered to this device by a subscription. Handlers run on the device's executor and should
 * return quickly; hand long work to your own executor. A handler that throws is reported to
 * {@link ConnectionListener#onError(String, Throwable)}; the other handlers still get the event.
 */
@FunctionalInterface
public interface EventHandler {
    /** Called once for each delivered event whose name matches the subscription. */
    void onEvent(Event event);
}
