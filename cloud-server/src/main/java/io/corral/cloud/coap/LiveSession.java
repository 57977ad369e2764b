package io.corral.cloud.coap;

import io.corral.cloud.events.Subscription;
import io.corral.protocol.Messages;
import io.corral.protocol.VariableType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.eclipse.californium.elements.EndpointContext;

/**
 * One connected device, from its hello until its goodbye, its DTLS connection's removal, or its next hello.
 *
 * <p>Reads are lock-free. The endpoint context is refreshed by every request the device sends, so cloud-to-device
 * requests follow the device when its address changes under a DTLS connection id.
 */
public final class LiveSession {

    /** One subscription of the device: a name prefix and an optional source filter (null: any source). */
    public record Subscribed(String prefix, String deviceFilter) {
    }

    /** Outcome of {@link #subscribe}. */
    enum SubscribeResult { ADDED, ALREADY_PRESENT, LIMIT_REACHED, SESSION_CLOSED }

    private final String deviceId;
    private final String owner;
    private final Instant since;
    private final Messages.Hello hello;
    private volatile EndpointContext context;
    /** System.nanoTime of the device's latest request or keepalive ping: the keepalive watch reads it. */
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile List<String> functions = List.of();
    private volatile Map<String, VariableType> variables = Map.of();
    // Subscriptions change rarely and per device, so a plain lock is cheap; ReentrantLock rather than
    // synchronized because CoAP handlers may run on virtual threads.
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Subscribed, Subscription> subscriptions = new LinkedHashMap<>();
    private boolean closed;

    LiveSession(String deviceId, String owner, Instant since, Messages.Hello hello, EndpointContext context) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.since = Objects.requireNonNull(since, "since");
        this.hello = Objects.requireNonNull(hello, "hello");
        this.context = Objects.requireNonNull(context, "context");
    }

    public String deviceId() {
        return deviceId;
    }

    public String owner() {
        return owner;
    }

    /** When the device said hello. */
    public Instant since() {
        return since;
    }

    /** The DTLS endpoint context of the device's latest request: where cloud-to-device requests go. */
    public EndpointContext context() {
        return context;
    }

    /** Firmware version from the hello; may be null. */
    public String firmware() {
        return hello.fw();
    }

    /** Product from the hello; may be null. */
    public String product() {
        return hello.product();
    }

    /** SDK name and version from the hello; may be null. */
    public String sdk() {
        return hello.sdk();
    }

    /** Features from the hello; empty if none were given. */
    public List<String> features() {
        return hello.features() == null ? List.of() : List.copyOf(hello.features());
    }

    /** Function names from the device's latest describe; empty before it describes itself. */
    public List<String> functions() {
        return functions;
    }

    /** Variable names and types from the device's latest describe; empty before it describes itself. */
    public Map<String, VariableType> variables() {
        return variables;
    }

    /** The device's subscriptions, in the order it made them. */
    public List<Subscribed> subscriptions() {
        lock.lock();
        try {
            return List.copyOf(subscriptions.keySet());
        } finally {
            lock.unlock();
        }
    }

    void updateContext(EndpointContext latest) {
        if (latest != null) {
            context = latest;
        }
        heard();
    }

    /** The device was just heard from: a request or a keepalive ping. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    void describe(List<String> newFunctions, Map<String, VariableType> newVariables) {
        functions = List.copyOf(newFunctions);
        variables = Map.copyOf(newVariables);
    }

    /**
     * Adds a subscription unless the same one exists or the limit is reached. {@code subscriber} runs under the
     * session's lock only when a new subscription is really needed, so a refused request leaves nothing behind.
     */
    SubscribeResult subscribe(Subscribed key, int limit, Supplier<Subscription> subscriber) {
        lock.lock();
        try {
            if (closed) {
                return SubscribeResult.SESSION_CLOSED;
            }
            if (subscriptions.containsKey(key)) {
                return SubscribeResult.ALREADY_PRESENT;
            }
            if (subscriptions.size() >= limit) {
                return SubscribeResult.LIMIT_REACHED;
            }
            subscriptions.put(key, subscriber.get());
            return SubscribeResult.ADDED;
        } finally {
            lock.unlock();
        }
    }

    int subscriptionCount() {
        lock.lock();
        try {
            return subscriptions.size();
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every subscription with this prefix, whatever its filter; returns how many there were. */
    int unsubscribe(String prefix) {
        List<Subscription> removed = new ArrayList<>();
        lock.lock();
        try {
            for (Iterator<Map.Entry<Subscribed, Subscription>> it = subscriptions.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Subscribed, Subscription> entry = it.next();
                if (entry.getKey().prefix().equals(prefix)) {
                    removed.add(entry.getValue());
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        removed.forEach(Subscription::cancel);
        return removed.size();
    }

    /** Ends the session: cancels all subscriptions and refuses new ones. */
    void close() {
        List<Subscription> removed;
        lock.lock();
        try {
            closed = true;
            removed = new ArrayList<>(subscriptions.values());
            subscriptions.clear();
        } finally {
            lock.unlock();
        }
        removed.forEach(Subscription::cancel);
    }

    @Override
    public String toString() {
        return "LiveSession[" + deviceId + ", owner " + owner + ", since " + since + ", at "
                + context.getPeerAddress() + "]";
    }
}
