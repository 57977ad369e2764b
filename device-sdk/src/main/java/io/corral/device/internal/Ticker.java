package io.corral.device.internal;

/**
 * A monotonic clock in nanoseconds, like {@link System#nanoTime()}. The connection supervisor reads time only
 * through one, so a test can move time on without sleeping.
 */
@FunctionalInterface
interface Ticker {
    /** The system's monotonic clock. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds since an arbitrary origin; only differences mean anything. */
    long nanos();
}
