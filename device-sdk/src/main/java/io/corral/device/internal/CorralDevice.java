package io.corral.device.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.device.ConnectionListener;
import io.corral.device.ConnectionState;
import io.corral.device.Device;
import io.corral.device.DeviceException;
import io.corral.device.DeviceException.Reason;
import io.corral.device.Event;
import io.corral.device.EventHandler;
import io.corral.device.FunctionHandler;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.EventNames;
import io.corral.protocol.Messages;
import io.corral.protocol.VariableType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.ServerMessageDeliverer;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.config.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device: a Californium {@link CoapEndpoint} on a {@link BcDtlsConnector}, with the profile's resources
 * ({@code /f}, {@code /v}, {@code /E}) on the device side and a connection supervisor that keeps it connected.
 */
public final class CorralDevice implements Device {
    private static final Logger LOG = LoggerFactory.getLogger(CorralDevice.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One crypto instance for all devices of a JVM: it only holds a SecureRandom, which is thread-safe. */
    private static final BcTlsCrypto CRYPTO = new BcTlsCrypto(new SecureRandom());
    private static final Configuration COAP_CONFIG = coapConfiguration();
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final DeviceSettings settings;
    private final String id;
    private final BcDtlsConnector connector;
    private final CoapEndpoint endpoint;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    private final ThreadFactory threadFactory;
    private final Map<String, FunctionHandler> functions = new ConcurrentHashMap<>();
    private final Map<String, Variable> variables = new ConcurrentHashMap<>();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.DISCONNECTED);
    private final ReentrantLock connectLock = new ReentrantLock();
    private final AtomicBoolean pingInFlight = new AtomicBoolean();
    private final AtomicBoolean reconnectScheduled = new AtomicBoolean();

    private volatile boolean wantConnected;
    private volatile boolean closed;
    private volatile ScheduledFuture<?> keepaliveTask;
    private volatile long connectedAtNanos;
    /** Consecutive failed or short-lived connections; drives the backoff. Only the supervisor touches it. */
    private volatile int attempt;

    private record Variable(VariableType type, Supplier<?> supplier) {
    }

    private record Subscription(String prefix, String fromDevice, EventHandler handler) {
    }

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
        InetSocketAddress local = new InetSocketAddress(settings.localAddress(), 0);
        this.connector = new BcDtlsConnector(settings.credentials(), settings.cloud(), local, threadFactory,
                settings.handshakeTimeout(), settings.linkDown()::getAsBoolean, CRYPTO, this::onLinkLost,
                settings.resumeSessions(), settings.sessionFile());
        this.endpoint = new CoapEndpoint.Builder().setConnector(connector).setConfiguration(COAP_CONFIG).build();
        this.endpoint.setExecutors(executor, executor);
        this.endpoint.setMessageDeliverer(new ServerMessageDeliverer(resources(), COAP_CONFIG));
        try {
            this.endpoint.start();
        } catch (java.io.IOException e) {
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

    @Override
    public String id() {
        return id;
    }

    // ---------------------------------------------------------------- registration

    @Override
    public Device function(String name, FunctionHandler handler) {
        requireValidName("function", name);
        functions.put(name, java.util.Objects.requireNonNull(handler, "handler"));
        describeIfConnected();
        return this;
    }

    @Override
    public Device variable(String name, Supplier<?> value) {
        requireValidName("variable", name);
        Object sample = value.get();
        VariableType type = sample instanceof Integer || sample instanceof Long || sample instanceof Short
                || sample instanceof Byte ? VariableType.INT
                : sample instanceof Float || sample instanceof Double ? VariableType.DOUBLE
                : sample instanceof Boolean ? VariableType.BOOL : VariableType.STRING;
        variables.put(name, new Variable(type, value));
        describeIfConnected();
        return this;
    }

    private void requireValidName(String kind, String name) {
        String error = EventNames.validateHandlerName(kind, name, settings.limits());
        if (error != null) {
            throw new IllegalArgumentException(error);
        }
    }

    @Override
    public CompletableFuture<Void> subscribe(String prefix, EventHandler handler) {
        return subscribe(prefix, null, handler);
    }

    @Override
    public CompletableFuture<Void> subscribe(String prefix, String fromDeviceId, EventHandler handler) {
        String error = EventNames.validatePrefix(prefix, settings.limits());
        if (error != null) {
            throw new IllegalArgumentException(error);
        }
        if (!subscriptions.containsKey(prefix) && subscriptions.size() >= settings.limits().maxSubscriptions()) {
            throw new IllegalArgumentException("at most " + settings.limits().maxSubscriptions()
                    + " subscriptions per device; unsubscribe first");
        }
        Subscription subscription = new Subscription(prefix, fromDeviceId, java.util.Objects.requireNonNull(handler));
        subscriptions.put(prefix, subscription);
        if (state.get() != ConnectionState.CONNECTED) {
            return CompletableFuture.completedFuture(null);
        }
        return sendSubscribe(subscription).thenApply(response -> null);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String prefix) {
        if (subscriptions.remove(prefix) == null || state.get() != ConnectionState.CONNECTED) {
            return CompletableFuture.completedFuture(null);
        }
        Request request = Request.newDelete();
        addPath(request, CorralProfile.PATH_SUBSCRIPTION, prefix);
        return send(request).thenApply(response -> null);
    }

    // ---------------------------------------------------------------- connection

    @Override
    public void connect() {
        requireOpen();
        wantConnected = true;
        try {
            connectOnce();
        } catch (DeviceException e) {
            wantConnected = false;
            changeState(ConnectionState.DISCONNECTED, e);
            throw e;
        }
    }

    @Override
    public void start() {
        requireOpen();
        wantConnected = true;
        if (state.get() != ConnectionState.CONNECTED) {
            scheduleReconnect(Duration.ZERO);
        }
    }

    private void connectOnce() {
        connectLock.lock();
        try {
            if (closed) {
                throw new DeviceException(Reason.NOT_CONNECTED, "device " + id + " is closed");
            }
            cancelKeepalive();
            changeState(ConnectionState.CONNECTING, null);
            long started = System.nanoTime();
            BcDtlsConnector.HandshakeResult handshake = connector.handshake();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            for (ConnectionListener listener : listeners) {
                listener.onHandshake(handshake.resumed(), took);
            }
            try {
                Messages.HelloReply reply = hello();
                await(sendDescribe());
                for (Subscription subscription : subscriptions.values()) {
                    await(sendSubscribe(subscription));
                }
                Duration keepalive = settings.keepalive() != null ? settings.keepalive()
                        : Duration.ofSeconds(Math.max(1, reply.keepalive()));
                connectedAtNanos = System.nanoTime();
                scheduleKeepalive(keepalive);
                changeState(ConnectionState.CONNECTED, null);
            } catch (DeviceException e) {
                connector.disconnect();
                throw e;
            }
        } finally {
            connectLock.unlock();
        }
    }

    private Messages.HelloReply hello() {
        Request request = Request.newPost();
        addPath(request, CorralProfile.PATH_HELLO, null);
        request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
        request.setPayload(json(new Messages.Hello(settings.firmwareVersion(), settings.product(),
                "corral-java/" + CorralProfile.PROFILE_VERSION, List.of("cid", "resume"))));
        Response response = await(send(request));
        try {
            return JSON.readValue(response.getPayload(), Messages.HelloReply.class);
        } catch (java.io.IOException e) {
            throw new DeviceException(Reason.IO, "the cloud's hello answer is not valid JSON: " + e.getMessage(), e);
        }
    }

    private CompletableFuture<Response> sendDescribe() {
        List<String> functionNames = new ArrayList<>(new TreeMap<>(functions).keySet());
        Map<String, String> variableTypes = new TreeMap<>();
        variables.forEach((name, variable) -> variableTypes.put(name, variable.type().wireName()));
        Request request = Request.newPost();
        addPath(request, CorralProfile.PATH_DESCRIBE, null);
        request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
        request.setPayload(json(new Messages.Describe(functionNames, variableTypes)));
        return send(request);
    }

    private void describeIfConnected() {
        if (state.get() == ConnectionState.CONNECTED) {
            sendDescribe().exceptionally(e -> {
                LOG.warn("device {}: describe after registration failed: {}", id, e.getMessage());
                return null;
            });
        }
    }

    private CompletableFuture<Response> sendSubscribe(Subscription subscription) {
        Request request = Request.newPut();
        addPath(request, CorralProfile.PATH_SUBSCRIPTION, subscription.prefix());
        if (subscription.fromDevice() != null) {
            request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
            request.setPayload(json(new Messages.SubscribeFilter(subscription.fromDevice())));
        }
        return send(request);
    }

    private void scheduleKeepalive(Duration interval) {
        long millis = interval.toMillis();
        keepaliveTask = executor.scheduleWithFixedDelay(this::ping, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelKeepalive() {
        ScheduledFuture<?> task = keepaliveTask;
        if (task != null) {
            task.cancel(false);
        }
    }

    /** A CoAP ping (empty CON, answered by RST). No answer within the ping timeout means the link is gone. */
    private void ping() {
        if (!pingInFlight.compareAndSet(false, true)) {
            return;
        }
        Request ping = Request.newPing();
        ping.setToken(Token.EMPTY);
        ping.setDestinationContext(new AddressEndpointContext(settings.cloud()));
        CompletableFuture<Void> pong = new CompletableFuture<>();
        ping.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onReject() {
                pong.complete(null);
            }

            @Override
            protected void failed() {
                pong.completeExceptionally(new DeviceException(Reason.TIMEOUT, "keepalive ping failed"));
            }
        });
        endpoint.sendRequest(ping);
        pong.orTimeout(settings.pingTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
            pingInFlight.set(false);
            if (failure != null) {
                ping.cancel();
                onLinkLost(new DeviceException(Reason.TIMEOUT, "keepalive ping unanswered for "
                        + settings.pingTimeout().toMillis() + " ms"));
            }
        });
    }

    /** The DTLS session died or stopped answering: reconnect unless the user asked us not to. */
    private void onLinkLost(Throwable cause) {
        if (!state.compareAndSet(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RECONNECT)) {
            return; // already handled, or a connect attempt owns the state
        }
        cancelKeepalive();
        connector.disconnect();
        notifyState(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RECONNECT, cause);
        long upNanos = System.nanoTime() - connectedAtNanos;
        if (upNanos >= settings.stableAfter().toNanos()) {
            attempt = 0;
        }
        if (wantConnected && !closed) {
            scheduleReconnect(backoff());
        } else {
            changeState(ConnectionState.DISCONNECTED, cause);
        }
    }

    /** Full jitter: uniform in [0, min(cap, base * 2^attempt)]. */
    private Duration backoff() {
        int exponent = Math.min(attempt, 30);
        long ceiling = Math.min(settings.reconnectCap().toMillis(), settings.reconnectBase().toMillis() << exponent);
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    private void scheduleReconnect(Duration delay) {
        if (!reconnectScheduled.compareAndSet(false, true)) {
            return;
        }
        executor.schedule(() -> threadFactory.newThread(this::reconnectAttempt).start(), delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void reconnectAttempt() {
        reconnectScheduled.set(false);
        if (!wantConnected || closed || state.get() == ConnectionState.CONNECTED) {
            return;
        }
        try {
            connectOnce();
        } catch (DeviceException e) {
            if (e.reason() == Reason.AUTHENTICATION_REFUSED) {
                // Retrying cannot fix credentials; stop and say so.
                wantConnected = false;
                changeState(ConnectionState.DISCONNECTED, e);
                for (ConnectionListener listener : listeners) {
                    listener.onConnectFailed(e, null);
                }
                return;
            }
            attempt++;
            Duration delay = backoff();
            if (e.retryAfter() != null) {
                // The cloud said when; add jitter so the deferred devices do not all come back in the same tick.
                delay = e.retryAfter().plus(Duration.ofMillis(
                        ThreadLocalRandom.current().nextLong(settings.reconnectBase().toMillis() + 1)));
            }
            changeState(ConnectionState.WAITING_TO_RECONNECT, e);
            for (ConnectionListener listener : listeners) {
                listener.onConnectFailed(e, delay);
            }
            if (wantConnected && !closed) {
                scheduleReconnect(delay);
            }
        } catch (RuntimeException e) {
            LOG.error("device {}: unexpected failure while reconnecting", id, e);
            attempt++;
            changeState(ConnectionState.WAITING_TO_RECONNECT, e);
            scheduleReconnect(backoff());
        }
    }

    @Override
    public void disconnect() {
        wantConnected = false;
        connectLock.lock();
        try {
            cancelKeepalive();
            if (connector.isConnected()) {
                Request goodbye = Request.newPost();
                goodbye.setType(CoAP.Type.NON);
                addPath(goodbye, CorralProfile.PATH_GOODBYE, null);
                goodbye.setPayload(json(new Messages.Goodbye("disconnect")));
                CompletableFuture<Void> sent = new CompletableFuture<>();
                goodbye.addMessageObserver(new MessageObserverAdapter() {
                    @Override
                    public void onSent(boolean retransmission) {
                        sent.complete(null);
                    }

                    @Override
                    protected void failed() {
                        sent.complete(null);
                    }
                });
                goodbye.setDestinationContext(new AddressEndpointContext(settings.cloud()));
                endpoint.sendRequest(goodbye);
                try {
                    sent.get(500, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("device {}: goodbye not sent: {}", id, e.toString());
                }
            }
            connector.disconnect();
            if (state.get() != ConnectionState.CLOSED) {
                changeState(ConnectionState.DISCONNECTED, null);
            }
        } finally {
            connectLock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        disconnect();
        closed = true;
        changeState(ConnectionState.CLOSED, null);
        endpoint.destroy();
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("device " + id + " is closed");
        }
    }

    @Override
    public ConnectionState state() {
        return state.get();
    }

    @Override
    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener));
    }

    private void changeState(ConnectionState next, Throwable cause) {
        ConnectionState previous = state.getAndSet(next);
        if (previous != next) {
            notifyState(previous, next, cause);
        }
    }

    private void notifyState(ConnectionState previous, ConnectionState next, Throwable cause) {
        LOG.debug("device {}: {} -> {}{}", id, previous, next, cause == null ? "" : " (" + cause.getMessage() + ")");
        for (ConnectionListener listener : listeners) {
            try {
                listener.onStateChanged(previous, next, cause);
            } catch (RuntimeException e) {
                LOG.warn("device {}: connection listener threw", id, e);
            }
        }
    }

    // ---------------------------------------------------------------- publish and time

    @Override
    public CompletableFuture<Void> publish(String name, String data) {
        return publish(name, data.getBytes(StandardCharsets.UTF_8), null);
    }

    @Override
    public CompletableFuture<Void> publish(String name, byte[] data, Duration ttl) {
        return send(publishRequest(name, data, ttl, CoAP.Type.CON)).thenApply(response -> null);
    }

    @Override
    public void publishNoAck(String name, String data) {
        Request request = publishRequest(name, data.getBytes(StandardCharsets.UTF_8), null, CoAP.Type.NON);
        request.setDestinationContext(new AddressEndpointContext(settings.cloud()));
        endpoint.sendRequest(request);
    }

    private Request publishRequest(String name, byte[] data, Duration ttl, CoAP.Type type) {
        String error = EventNames.validatePublishName(name, settings.limits());
        if (error != null) {
            throw new IllegalArgumentException(error);
        }
        if (data.length > settings.limits().maxEventDataBytes()) {
            throw new IllegalArgumentException("event data must be at most " + settings.limits().maxEventDataBytes()
                    + " bytes, was " + data.length);
        }
        Request request = Request.newPost();
        request.setType(type);
        addPath(request, CorralProfile.PATH_EVENT, name);
        request.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        if (ttl != null) {
            request.getOptions().setMaxAge(ttl.toSeconds());
        }
        request.setPayload(data);
        return request;
    }

    @Override
    public CompletableFuture<Instant> cloudTime() {
        Request request = Request.newGet();
        addPath(request, CorralProfile.PATH_TIME, null);
        return send(request).thenApply(response -> Instant.ofEpochSecond(Long.parseLong(
                response.getPayloadString().trim())));
    }

    // ---------------------------------------------------------------- request plumbing

    /** Path {@code /head/segments...}; empty segments are kept, so "alerts/" stays distinct from "alerts". */
    private static void addPath(Request request, String head, String name) {
        request.getOptions().addUriPath(head);
        if (name != null && !name.isEmpty()) {
            for (String segment : name.split("/", -1)) {
                request.getOptions().addUriPath(segment);
            }
        }
    }

    private CompletableFuture<Response> send(Request request) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        if (!connector.isConnected()) {
            result.completeExceptionally(new DeviceException(Reason.NOT_CONNECTED, "device " + id
                    + " is not connected to the cloud"));
            return result;
        }
        request.setDestinationContext(new AddressEndpointContext(settings.cloud()));
        request.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onResponse(Response response) {
                if (response.isSuccess()) {
                    result.complete(response);
                } else {
                    Long maxAge = response.getOptions().hasMaxAge() ? response.getOptions().getMaxAge() : null;
                    result.completeExceptionally(new DeviceException(Reason.REJECTED, "the cloud answered "
                            + response.getCode().text + " " + response.getCode().name() + " to "
                            + request.getCode() + " /" + request.getOptions().getUriPathString() + ": "
                            + response.getPayloadString(), response.getCode().text,
                            maxAge == null ? null : Duration.ofSeconds(maxAge), null));
                }
            }

            @Override
            public void onTimeout() {
                result.completeExceptionally(new DeviceException(Reason.TIMEOUT, "no answer from the cloud to /"
                        + request.getOptions().getUriPathString()));
            }

            @Override
            public void onSendError(Throwable error) {
                result.completeExceptionally(new DeviceException(Reason.NOT_CONNECTED, "could not send /"
                        + request.getOptions().getUriPathString() + ": " + error.getMessage(), error));
            }

            @Override
            protected void failed() {
                result.completeExceptionally(new DeviceException(Reason.IO, "request /"
                        + request.getOptions().getUriPathString() + " was rejected or cancelled"));
            }
        });
        endpoint.sendRequest(request);
        return result.orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause()
                            : failure;
                    if (cause instanceof TimeoutException) {
                        request.cancel();
                        return CompletableFuture.failedFuture(new DeviceException(Reason.TIMEOUT, "no answer from "
                                + "the cloud to /" + request.getOptions().getUriPathString() + " within "
                                + settings.requestTimeout().toMillis() + " ms"));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    private <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException(Reason.IO, "interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DeviceException deviceException) {
                throw deviceException;
            }
            throw new DeviceException(Reason.IO, e.getCause().toString(), e.getCause());
        }
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }

    // ---------------------------------------------------------------- device-side resources

    private Resource resources() {
        CoapResource root = new CoapResource("");
        root.add(new WildcardResource(CorralProfile.PATH_FUNCTION) {
            @Override
            public void handlePOST(CoapExchange exchange) {
                callFunction(exchange, subPath(exchange));
            }
        });
        root.add(new WildcardResource(CorralProfile.PATH_VARIABLE) {
            @Override
            public void handleGET(CoapExchange exchange) {
                readVariable(exchange, subPath(exchange));
            }
        });
        root.add(new WildcardResource(CorralProfile.PATH_EVENT) {
            @Override
            public void handlePOST(CoapExchange exchange) {
                deliverEvent(exchange, subPath(exchange));
            }
        });
        return root;
    }

    private void callFunction(CoapExchange exchange, String name) {
        FunctionHandler handler = functions.get(name);
        if (handler == null) {
            exchange.respond(ResponseCode.NOT_FOUND, "no function '" + name + "' on device " + id);
            return;
        }
        byte[] argument = exchange.getRequestPayload();
        if (argument.length > settings.limits().maxFunctionArgBytes()) {
            exchange.respond(ResponseCode.REQUEST_ENTITY_TOO_LARGE, "function argument must be at most "
                    + settings.limits().maxFunctionArgBytes() + " bytes, was " + argument.length);
            return;
        }
        try {
            int result = handler.call(new String(argument, StandardCharsets.UTF_8));
            exchange.respond(ResponseCode.CHANGED, Integer.toString(result));
        } catch (Exception e) {
            LOG.debug("device {}: function {} threw", id, name, e);
            exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR, "function '" + name + "' threw " + e);
        }
    }

    private void readVariable(CoapExchange exchange, String name) {
        Variable variable = variables.get(name);
        if (variable == null) {
            exchange.respond(ResponseCode.NOT_FOUND, "no variable '" + name + "' on device " + id);
            return;
        }
        try {
            Object value = variable.supplier().get();
            Object wire = variable.type() == VariableType.STRING && value != null ? value.toString() : value;
            exchange.respond(ResponseCode.CONTENT, json(wire), MediaTypeRegistry.APPLICATION_JSON);
        } catch (RuntimeException e) {
            exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR, "variable '" + name + "' threw " + e);
        }
    }

    private void deliverEvent(CoapExchange exchange, String name) {
        String from = CorralProfile.SOURCE_API;
        for (String query : exchange.getRequestOptions().getUriQuery()) {
            if (query.startsWith(CorralProfile.QUERY_FROM + "=")) {
                from = query.substring(CorralProfile.QUERY_FROM.length() + 1);
            }
        }
        Long maxAge = exchange.getRequestOptions().hasMaxAge() ? exchange.getRequestOptions().getMaxAge() : 60L;
        Event event = new Event(name, exchange.getRequestPayload(), from, Duration.ofSeconds(maxAge));
        exchange.respond(ResponseCode.CHANGED);
        for (Subscription subscription : subscriptions.values()) {
            if (name.startsWith(subscription.prefix())
                    && (subscription.fromDevice() == null || subscription.fromDevice().equals(from))) {
                try {
                    subscription.handler().onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("device {}: event handler for '{}' threw", id, subscription.prefix(), e);
                }
            }
        }
    }

    private static String subPath(CoapExchange exchange) {
        List<String> path = exchange.getRequestOptions().getUriPath();
        return String.join("/", path.subList(1, path.size()));
    }

    /** A resource that answers for every path below it, so names may contain '/'. */
    private static class WildcardResource extends CoapResource {
        WildcardResource(String name) {
            super(name);
        }

        @Override
        public Resource getChild(String name) {
            return this;
        }
    }

    @Override
    public String toString() {
        return "Device[" + id + ", " + state.get() + "]";
    }
}
