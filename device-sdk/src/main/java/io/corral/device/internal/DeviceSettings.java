package io.corral.device.internal;

import io.corral.device.DeviceCredentials;
import io.corral.protocol.Limits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;

/**
 * The validated settings of one device, as {@code Device.Builder} collected them. Null means "use the default".
 * Public only because the builder, in the API package, makes it; the module does not export it.
 */
public record DeviceSettings(DeviceCredentials credentials, InetSocketAddress cloud, InetAddress localAddress,
                             ThreadFactory threadFactory, ScheduledExecutorService executor, Duration handshakeTimeout,
                             Duration requestTimeout, Duration reconnectBase, Duration reconnectCap,
                             Duration stableAfter, Duration keepalive, Duration pingTimeout, String firmwareVersion,
                             String product, Limits limits, BooleanSupplier linkDown, boolean resumeSessions,
                             Path sessionFile) {
}
