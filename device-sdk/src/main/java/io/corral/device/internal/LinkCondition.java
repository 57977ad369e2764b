package io.corral.device.internal;

/**
 * Whether the network path to the cloud currently carries datagrams. Real devices use {@link #ALWAYS_UP}; the
 * simulator flips it to reproduce a carrier outage, where datagrams vanish in both directions.
 */
@FunctionalInterface
public interface LinkCondition {
    LinkCondition ALWAYS_UP = () -> false;

    boolean isDown();
}
