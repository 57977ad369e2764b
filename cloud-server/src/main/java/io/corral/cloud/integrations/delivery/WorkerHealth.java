package io.corral.cloud.integrations.delivery;

/**
 * One worker slot of this process, for the {@code worker-down} alert rule.
 *
 * @param name                the slot, {@code w0}, {@code w1}...
 * @param lastHeartbeatMillis when its worker last showed life, epoch milliseconds (while a replacement is pending,
 *                            when the replaced worker last did)
 * @param restarts            how often the supervisor replaced the slot's worker since start
 */
public record WorkerHealth(String name, long lastHeartbeatMillis, long restarts) {
}
