package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.MqttSettings;
import io.corral.cloud.integrations.model.TemplateContext;
import io.corral.cloud.ops.Periodic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to MQTT v5 brokers with Eclipse Paho: one connection per integration, opened on first use and
 * reopened after a failure or a change of settings; connections unused for {@link #IDLE_CLOSE} are closed, so
 * deleted integrations leave no sockets behind. Paho keeps in-flight messages in memory only: the durable queue
 * is what survives a crash, and a message whose acknowledgement was lost is simply sent again.
 */
final class MqttSender implements Sender<MqttSettings> {
    static final Duration IDLE_CLOSE = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(MqttSender.class);

    private final Duration timeout;
    private final BooleanSupplier shedding;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("corral-mqtt-sweeper").daemon().factory());

    MqttSender(Duration timeout, BooleanSupplier shedding) {
        this.timeout = timeout;
        this.shedding = shedding;
        Periodic.withFixedDelay(sweeper, "mqtt-idle-sweep", Duration.ofMinutes(1), this::closeIdle);
    }

    @Override
    public CompletableFuture<SendResult> send(Delivery delivery, Integration integration, MqttSettings mqtt) {
        long start = System.nanoTime();
        Connection connection = connections.compute(integration.id(), (id, existing) -> {
            if (existing != null && existing.version == integration.version()) {
                return existing;
            }
            if (existing != null) {
                existing.close();
            }
            return new Connection(mqtt, integration.version());
        });
        if (!connection.isConnected() && shedding.getAsBoolean()) {
            return CompletableFuture.completedFuture(SendResult.notSent("shedding load: file descriptors are short"));
        }
        var context = TemplateContext.of(delivery.event());
        String topic = mqtt.topicTemplate().render(context);
        if (topic.isEmpty() || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            return CompletableFuture.completedFuture(SendResult.failed(SendResult.Kind.PERMANENT, null, Duration.ZERO,
                    "mqtt.topic rendered to '" + topic + "', which is not a topic to publish to"));
        }
        byte[] payload = mqtt.payloadTemplate() == null ? delivery.event().data()
                : mqtt.payloadTemplate().render(context).getBytes(StandardCharsets.UTF_8);
        MqttMessage message = new MqttMessage(payload);
        message.setQos(mqtt.qos());
        message.setRetained(mqtt.retain());
        MqttProperties properties = new MqttProperties();
        properties.setUserProperties(List.of(new UserProperty(MqttSettings.EVENT_ID_PROPERTY, delivery.event().id())));
        message.setProperties(properties);
        return connection.connected()
                .thenCompose(ready -> connection.publish(topic, message))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((ok, failure) -> {
                    Duration latency = Duration.ofNanos(System.nanoTime() - start);
                    if (failure == null) {
                        return SendResult.delivered(null, latency, null);
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause()
                            != null ? failure.getCause() : failure;
                    if (cause instanceof MqttException e && e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        return SendResult.notSent("too many messages in flight to " + mqtt.broker());
                    }
                    if (!(cause instanceof TimeoutException) || !connection.isConnected()) {
                        connections.remove(integration.id(), connection);
                        connection.close();
                    }
                    String error = cause instanceof TimeoutException ? "no acknowledgement within " + timeout.toMillis()
                            + " ms" : describe(cause);
                    return SendResult.failed(SendResult.Kind.RETRYABLE, null, latency, mqtt.broker() + ": " + error);
                });
    }

    private static String describe(Throwable t) {
        if (t instanceof MqttException e) {
            return "MQTT error " + e.getReasonCode() + ": " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
        }
        return t.toString();
    }

    private void closeIdle() {
        long now = System.nanoTime();
        connections.forEach((id, connection) -> {
            if (now - connection.lastUsed > IDLE_CLOSE.toNanos() && connections.remove(id, connection)) {
                connection.close();
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        connections.values().forEach(Connection::close);
        connections.clear();
    }

    /** One client, connected on demand; a failed connect is retried by the next send. */
    private final class Connection {
        private final MqttSettings settings;
        private final long version;
        private final ReentrantLock lock = new ReentrantLock();
        private MqttAsyncClient client;
        private CompletableFuture<Void> connecting;
        private volatile long lastUsed = System.nanoTime();

        Connection(MqttSettings settings, long version) {
            this.settings = settings;
            this.version = version;
        }

        boolean isConnected() {
            lock.lock();
            try {
                return client != null && client.isConnected();
            } finally {
                lock.unlock();
            }
        }

        CompletableFuture<Void> connected() {
            lastUsed = System.nanoTime();
            lock.lock();
            try {
                if (client != null && client.isConnected()) {
                    return CompletableFuture.completedFuture(null);
                }
                if (connecting != null && !connecting.isDone()) {
                    return connecting;
                }
                CompletableFuture<Void> attempt = new CompletableFuture<>();
                connecting = attempt;
                try {
                    if (client != null) {
                        closeClient(client);
                    }
                    client = new MqttAsyncClient(settings.broker(), settings.clientId(), new MemoryPersistence());
                    MqttConnectionOptions options = new MqttConnectionOptions();
                    options.setCleanStart(true);
                    options.setAutomaticReconnect(false);
                    options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
                    options.setKeepAliveInterval(30);
                    if (settings.username() != null) {
                        options.setUserName(settings.username());
                    }
                    if (settings.password() != null) {
                        options.setPassword(settings.password().getBytes(StandardCharsets.UTF_8));
                    }
                    client.connect(options, null, listener(attempt));
                } catch (MqttException | RuntimeException e) {
                    attempt.completeExceptionally(e);
                }
                return attempt;
            } finally {
                lock.unlock();
            }
        }

        CompletableFuture<Void> publish(String topic, MqttMessage message) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            MqttAsyncClient current;
            lock.lock();
            try {
                current = client;
            } finally {
                lock.unlock();
            }
            try {
                current.publish(topic, message, null, listener(done));
            } catch (MqttException | RuntimeException e) {
                done.completeExceptionally(e);
            }
            return done;
        }

        void close() {
            lock.lock();
            try {
                if (client != null) {
                    closeClient(client);
                    client = null;
                }
            } finally {
                lock.unlock();
            }
        }

        private void closeClient(MqttAsyncClient old) {
            try {
                if (old.isConnected()) {
                    old.disconnectForcibly(0, 1000, false);
                }
                old.close(true);
            } catch (MqttException | RuntimeException e) {
                log.debug("closing MQTT client {} failed: {}", settings.clientId(), e.toString());
            }
        }
    }

    private static MqttActionListener listener(CompletableFuture<Void> future) {
        return new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                future.complete(null);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable failure) {
                future.completeExceptionally(failure != null ? failure : new IllegalStateException("MQTT action failed"));
            }
        };
    }
}
