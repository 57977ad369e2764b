package io.corral.device;

/**
 * Receives events delivered to this device by a subscription. Handlers run on the device's executor and should
 * return quickly; hand long work to your own executor.
 */
@FunctionalInterface
public interface EventHandler {
    void onEvent(Event event);
}
