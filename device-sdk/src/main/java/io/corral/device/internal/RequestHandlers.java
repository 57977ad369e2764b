package io.corral.device.internal;

import io.corral.device.Event;
import io.corral.device.EventHandler;
import io.corral.device.FunctionHandler;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.EventNames;
import io.corral.protocol.Limits;
import io.corral.protocol.Messages;
import io.corral.protocol.VariableType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the device offers the cloud, and what it listens to: its functions, variables and subscriptions. It serves
 * the cloud's calls on the device-side resources ({@code POST /f/{name}}, {@code GET /v/{name}},
 * {@code POST /E/{name}}), and it tells the cloud what there is (describe, subscribe) when connected.
 *
 * <p>Handlers are the user's code and run through {@link Callouts}: a function or variable that throws answers the
 * cloud 5.00 and is reported; an event handler that throws is reported, and the other handlers still get the
 * event. Thread-safe: registrations may come from any thread, before or after connecting.
 */
final class RequestHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHandlers.class);
    /** The time to live of a delivered event without Max-Age, as CoAP's own default. */
    private static final long DEFAULT_EVENT_TTL_SECONDS = 60;

    private final String deviceId;
    private final Limits limits;
    private final CloudChannel channel;
    private final Callouts callouts;
    private final BooleanSupplier connected;
    private final Map<String, FunctionHandler> functions = new ConcurrentHashMap<>();
    private final Map<String, Variable> variables = new ConcurrentHashMap<>();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

    private record Variable(VariableType type, Supplier<?> supplier) {
    }

    private record Subscription(String prefix, String fromDevice, EventHandler handler) {
    }

    /** @param connected whether the device is connected now, so that changes reach the cloud at once */
    RequestHandlers(String deviceId, Limits limits, CloudChannel channel, Callouts callouts,
                    BooleanSupplier connected) {
        this.deviceId = deviceId;
        this.limits = limits;
        this.channel = channel;
        this.callouts = callouts;
        this.connected = connected;
    }

    // ---------------------------------------------------------------- registration

    void function(String name, FunctionHandler handler) {
        requireValidName("function", name);
        functions.put(name, Objects.requireNonNull(handler, "handler"));
        describeIfConnected();
    }

    /** Calls the supplier once, on the caller's thread, to learn the variable's type. */
    void variable(String name, Supplier<?> value) {
        requireValidName("variable", name);
        Object sample = value.get();
        VariableType type = sample instanceof Integer || sample instanceof Long || sample instanceof Short
                || sample instanceof Byte ? VariableType.INT
                : sample instanceof Float || sample instanceof Double ? VariableType.DOUBLE
                : sample instanceof Boolean ? VariableType.BOOL : VariableType.STRING;
        variables.put(name, new Variable(type, value));
        describeIfConnected();
    }

    private void requireValidName(String kind, String name) {
        String error = EventNames.validateHandlerName(kind, name, limits);
        if (error != null) {
            throw new IllegalArgumentException(error);
        }
    }

    CompletableFuture<Void> subscribe(String prefix, String fromDeviceId, EventHandler handler) {
        String error = EventNames.validatePrefix(prefix, limits);
        if (error != null) {
            throw new IllegalArgumentException(error);
        }
        if (!subscriptions.containsKey(prefix) && subscriptions.size() >= limits.maxSubscriptions()) {
            throw new IllegalArgumentException("at most " + limits.maxSubscriptions()
                    + " subscriptions per device; unsubscribe first");
        }
        Subscription subscription = new Subscription(prefix, fromDeviceId, Objects.requireNonNull(handler));
        subscriptions.put(prefix, subscription);
        if (!connected.getAsBoolean()) {
            return CompletableFuture.completedFuture(null);
        }
        return sendSubscribe(subscription).thenApply(response -> null);
    }

    CompletableFuture<Void> unsubscribe(String prefix) {
        if (subscriptions.remove(prefix) == null || !connected.getAsBoolean()) {
            return CompletableFuture.completedFuture(null);
        }
        Request request = Request.newDelete();
        CloudChannel.addPath(request, CorralProfile.PATH_SUBSCRIPTION, prefix);
        return channel.send(request).thenApply(response -> null);
    }

    // ---------------------------------------------------------------- telling the cloud

    /** Tells a new session everything: describe, then each subscription; waits for each answer. */
    void registerAll() {
        CloudChannel.await(sendDescribe());
        for (Subscription subscription : subscriptions.values()) {
            CloudChannel.await(sendSubscribe(subscription));
        }
    }

    private CompletableFuture<Response> sendDescribe() {
        List<String> functionNames = new ArrayList<>(new TreeMap<>(functions).keySet());
        Map<String, String> variableTypes = new TreeMap<>();
        variables.forEach((name, variable) -> variableTypes.put(name, variable.type().wireName()));
        Request request = Request.newPost();
        CloudChannel.addPath(request, CorralProfile.PATH_DESCRIBE, null);
        request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
        request.setPayload(CloudChannel.json(new Messages.Describe(functionNames, variableTypes)));
        return channel.send(request);
    }

    private void describeIfConnected() {
        if (connected.getAsBoolean()) {
            sendDescribe().exceptionally(e -> {
                LOG.warn("device {}: describe after registration failed: {}", deviceId, e.getMessage());
                return null;
            });
        }
    }

    private CompletableFuture<Response> sendSubscribe(Subscription subscription) {
        Request request = Request.newPut();
        CloudChannel.addPath(request, CorralProfile.PATH_SUBSCRIPTION, subscription.prefix());
        if (subscription.fromDevice() != null) {
            request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
            request.setPayload(CloudChannel.json(new Messages.SubscribeFilter(subscription.fromDevice())));
        }
        return channel.send(request);
    }

    // ---------------------------------------------------------------- device-side resources

    /** The resources the cloud calls, for the endpoint's message deliverer. */
    Resource resources() {
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
            exchange.respond(ResponseCode.NOT_FOUND, "no function '" + name + "' on device " + deviceId);
            return;
        }
        byte[] argument = exchange.getRequestPayload();
        if (argument.length > limits.maxFunctionArgBytes()) {
            exchange.respond(ResponseCode.REQUEST_ENTITY_TOO_LARGE, "function argument must be at most "
                    + limits.maxFunctionArgBytes() + " bytes, was " + argument.length);
            return;
        }
        int result;
        try {
            result = handler.call(new String(argument, StandardCharsets.UTF_8));
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Throwing is the documented way for a function to answer 5.00, so this one is only logged at DEBUG.
            callouts.failed("function '" + name + "'", e, false);
            exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR, "function '" + name + "' threw " + e);
            return;
        }
        exchange.respond(ResponseCode.CHANGED, Integer.toString(result));
    }

    private void readVariable(CoapExchange exchange, String name) {
        Variable variable = variables.get(name);
        if (variable == null) {
            exchange.respond(ResponseCode.NOT_FOUND, "no variable '" + name + "' on device " + deviceId);
            return;
        }
        byte[] json;
        try {
            // The value's toString() and its JSON form run user code too, so they are inside the guard.
            Object value = variable.supplier().get();
            Object wire = variable.type() == VariableType.STRING && value != null ? value.toString() : value;
            json = CloudChannel.json(wire);
        } catch (Throwable e) {
            callouts.failed("variable '" + name + "'", e, true);
            exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR, "variable '" + name + "' threw " + e);
            return;
        }
        exchange.respond(ResponseCode.CONTENT, json, MediaTypeRegistry.APPLICATION_JSON);
    }

    private void deliverEvent(CoapExchange exchange, String name) {
        String from = CorralProfile.SOURCE_API;
        for (String query : exchange.getRequestOptions().getUriQuery()) {
            if (query.startsWith(CorralProfile.QUERY_FROM + "=")) {
                from = query.substring(CorralProfile.QUERY_FROM.length() + 1);
            }
        }
        long maxAge = exchange.getRequestOptions().hasMaxAge() ? exchange.getRequestOptions().getMaxAge()
                : DEFAULT_EVENT_TTL_SECONDS;
        Event event = new Event(name, exchange.getRequestPayload(), from, Duration.ofSeconds(maxAge));
        exchange.respond(ResponseCode.CHANGED);
        for (Subscription subscription : subscriptions.values()) {
            if (name.startsWith(subscription.prefix())
                    && (subscription.fromDevice() == null || subscription.fromDevice().equals(from))) {
                try {
                    subscription.handler().onEvent(event);
                } catch (Throwable e) {
                    callouts.failed("event handler for '" + subscription.prefix() + "'", e, true);
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
}
