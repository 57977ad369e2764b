package io.corral.device.internal;

import io.corral.device.ConnectionListener;
import io.corral.device.ConnectionState;
import io.corral.device.DeviceException;
import io.corral.device.DeviceException.Reason;
import io.corral.device.EventHandler;
import io.corral.device.FunctionHandler;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.Messages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.ServerMessageDeliverer;
import org.eclipse.californium.elements.config.Configuration;

/**
 * One device, put together: a Californium {@link CoapEndpoint} on a {@link BcDtlsConnector}, with three parts on
 * top, each of which owns one concern:
 * <ul>
 *   <li>the {@link ConnectionSupervisor} keeps the connection up (connect, keepalive, backoff, state);</li>
 *   <li>the {@link RequestHandlers} serve what the device offers (functions, variables, subscriptions);</li>
 *   <li>the {@link PublishPath} sends events.</li>
 * </ul>
 * This class only builds them and gives the supervisor its DTLS-and-CoAP {@link ConnectionSupervisor.Session}.
 * The public {@code io.corral.device.Device} reaches it through one adapter; it is no API of its own.
 */
public final class CorralDevice {
    /** One crypto instance for all devices of a JVM: it only holds a SecureRandom, which is thread-safe. */
    private static final BcTlsCrypto CRYPTO = new BcTlsCrypto(new SecureRandom());
    private static final Configuration COAP_CONFIG = coapConfiguration();
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    /** A thread factory that failed is asked again after this long, so the device keeps trying to reconnect. */
    private static final Duration THREAD_RETRY = Duration.ofSeconds(1);

    private final DeviceSettings settings;
    private final String id;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    private final ThreadFactory threadFactory;
    private final BcDtlsConnector connector;
    private final CoapEndpoint endpoint;
    private final Callouts callouts;
    private final CloudChannel channel;
    private final RequestHandlers handlers;
    private final PublishPath publisher;
    private final ConnectionSupervisor supervisor;

    /** Builds the device and starts its endpoint; nothing goes to the network until connect or start. */
    public CorralDevice(DeviceSettings settings) {
        this.settings = settings;
        this.id = settings.credentials().deviceId();
        this.threadFactory = settings.threadFactory() != null ? settings.threadFactory()
                : runnable -> {
                    Thread thread = new Thread(runnable, "corral-device-" + THREAD_IDS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                };
        this.ownsExecutor = settings.executor() == null;
        this.executor = ownsExecutor ? Executors.newSingleThreadScheduledExecutor(threadFactory) : settings.executor();
        this.callouts = new Callouts(id);
        InetSocketAddress local = new InetSocketAddress(settings.localAddress(), 0);
        // The connector reports a dead session to the supervisor, which is built below: the connector only
        // calls back once a handshake has run, long after this constructor.
        this.connector = new BcDtlsConnector(settings.credentials(), settings.cloud(), local, threadFactory,
                settings.handshakeTimeout(), settings.linkDown()::getAsBoolean, CRYPTO, this::onLinkLost,
                settings.resumeSessions(), settings.sessionFile());
        this.endpoint = new CoapEndpoint.Builder().setConnector(connector).setConfiguration(COAP_CONFIG).build();
        this.endpoint.setExecutors(executor, executor);
        this.channel = new CloudChannel(id, connector, endpoint, settings.cloud(), settings.requestTimeout());
        this.handlers = new RequestHandlers(id, settings.limits(), channel, callouts, this::isConnected);
        this.publisher = new PublishPath(settings.limits(), channel);
        this.supervisor = new ConnectionSupervisor(id, new DtlsSession(), new ExecutorTimers(), callouts,
                new ConnectionSupervisor.Settings(settings.reconnectBase(), settings.reconnectCap(),
                        settings.stableAfter(), settings.keepalive(), settings.pingTimeout()),
                Ticker.SYSTEM, () -> ThreadLocalRandom.current().nextLong());
        this.endpoint.setMessageDeliverer(new ServerMessageDeliverer(handlers.resources(), COAP_CONFIG));
        try {
            this.endpoint.start();
        } catch (IOException e) {
            throw new DeviceException(Reason.IO, "cannot start the CoAP endpoint: " + e.getMessage(), e);
        }
    }

    private static Configuration coapConfiguration() {
        Configuration config = Configuration.createStandardWithoutFile();
        // A device talks to one peer; the defaults are sized for servers.
        config.set(CoapConfig.MAX_ACTIVE_PEERS, 4);
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        return config;
    }

    private void onLinkLost(Throwable cause) {
        supervisor.linkLost(cause);
    }

    private boolean isConnected() {
        return supervisor.isConnected();
    }

    /** This device's 24-hex id. */
    public String id() {
        return id;
    }

    // ---------------------------------------------------------------- what the device offers

    public void function(String name, FunctionHandler handler) {
        handlers.function(name, handler);
    }

    public void variable(String name, Supplier<?> value) {
        handlers.variable(name, value);
    }

    public CompletableFuture<Void> subscribe(String prefix, String fromDeviceId, EventHandler handler) {
        return handlers.subscribe(prefix, fromDeviceId, handler);
    }

    public CompletableFuture<Void> unsubscribe(String prefix) {
        return handlers.unsubscribe(prefix);
    }

    // ---------------------------------------------------------------- connection

    public void connect() {
        supervisor.connect();
    }

    public void start() {
        supervisor.start();
    }

    public void disconnect() {
        supervisor.disconnect();
    }

    /** Disconnects, then releases the endpoint and, when it is the device's own, the executor. */
    public void close() {
        if (supervisor.close()) {
            endpoint.destroy();
            if (ownsExecutor) {
                executor.shutdownNow();
            }
        }
    }

    public ConnectionState state() {
        return supervisor.state();
    }

    public void addConnectionListener(ConnectionListener listener) {
        callouts.addListener(listener);
    }

    /** How many times a handler or listener of this device has thrown. */
    public long callbackErrors() {
        return callouts.failures();
    }

    // ---------------------------------------------------------------- events out

    public CompletableFuture<Void> publish(String name, byte[] data, Duration ttl) {
        return publisher.publish(name, data, ttl);
    }

    public void publishNoAck(String name, byte[] data) {
        publisher.publishNoAck(name, data);
    }

    public CompletableFuture<Instant> cloudTime() {
        return publisher.cloudTime();
    }

    @Override
    public String toString() {
        return "Device[" + id + ", " + supervisor.state() + "]";
    }

    /** The session the supervisor keeps up: a DTLS session through the connector, carrying the CoAP profile. */
    private final class DtlsSession implements ConnectionSupervisor.Session {
        @Override
        public boolean handshake() {
            return connector.handshake().resumed();
        }

        @Override
        public Duration register() {
            Messages.HelloReply reply = hello();
            handlers.registerAll();
            return Duration.ofSeconds(reply.keepalive());
        }

        private Messages.HelloReply hello() {
            Request request = Request.newPost();
            CloudChannel.addPath(request, CorralProfile.PATH_HELLO, null);
            request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
            request.setPayload(CloudChannel.json(new Messages.Hello(settings.firmwareVersion(), settings.product(),
                    "corral-java/" + CorralProfile.PROFILE_VERSION, List.of("cid", "resume"))));
            Response response = CloudChannel.await(channel.send(request));
            try {
                return CloudChannel.JSON.readValue(response.getPayload(), Messages.HelloReply.class);
            } catch (IOException e) {
                throw new DeviceException(Reason.IO, "the cloud's hello answer is not valid JSON: " + e.getMessage(),
                        e);
            }
        }

        @Override
        public CompletableFuture<Void> ping() {
            return channel.ping();
        }

        @Override
        public void goodbye() {
            channel.goodbye();
        }

        @Override
        public void drop() {
            connector.disconnect();
        }
    }

    /**
     * The supervisor's timers on the device's executor. Connect attempts block for a handshake, so each runs on a
     * new thread of the device's thread factory rather than on the executor, which also carries the CoAP traffic
     * the attempt waits for.
     */
    private final class ExecutorTimers implements ConnectionSupervisor.Timers {
        @Override
        public void after(Duration delay, Runnable task) {
            executor.schedule(() -> startThread(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void startThread(Runnable task) {
            try {
                threadFactory.newThread(task).start();
            } catch (RuntimeException | Error e) {
                // The thread factory is the user's code: report it, and ask again rather than stop reconnecting.
                callouts.failed("ThreadFactory.newThread", e, true);
                if (!executor.isShutdown()) {
                    executor.schedule(() -> startThread(task), THREAD_RETRY.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }

        @Override
        public Future<?> every(Duration interval, Runnable task) {
            long millis = interval.toMillis();
            return executor.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
        }
    }
}
