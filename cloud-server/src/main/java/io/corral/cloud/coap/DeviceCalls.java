package io.corral.cloud.coap;

import io.corral.cloud.coap.DeviceCallException.Reason;
import io.corral.cloud.events.Event;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.EventNames;
import io.corral.protocol.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.exception.EndpointMismatchException;
import org.eclipse.californium.elements.exception.EndpointUnconnectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud-to-device requests over the device's own DTLS session: call a function, read a variable, deliver an
 * event. Every send is asynchronous; nothing here blocks the calling thread.
 */
final class DeviceCalls {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceCalls.class);

    private final Endpoint endpoint;
    private final LiveSessions sessions;
    private final Limits limits;

    DeviceCalls(Endpoint endpoint, LiveSessions sessions, Limits limits) {
        this.endpoint = endpoint;
        this.sessions = sessions;
        this.limits = limits;
    }

    CompletableFuture<Integer> callFunction(String deviceId, String name, String argument, Duration timeout) {
        requireTimeout(timeout);
        Target what = new Target(deviceId, "function", name);
        String badName = EventNames.validateHandlerName("function", name, limits);
        if (badName != null) {
            return failed(Reason.NOT_FOUND, deviceId, "cannot call " + what + ": " + badName);
        }
        byte[] arg = (argument == null ? "" : argument).getBytes(StandardCharsets.UTF_8);
        if (arg.length > limits.maxFunctionArgBytes()) {
            return failed(Reason.ARGUMENT_TOO_LONG, deviceId, "cannot call " + what + ": the argument is "
                    + arg.length + " bytes of UTF-8, the limit is " + limits.maxFunctionArgBytes());
        }
        Request request = new Request(Code.POST, Type.CON);
        request.getOptions().addUriPath(CorralProfile.PATH_FUNCTION).addUriPath(name)
                .setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        request.setPayload(arg);
        return send(deviceId, request, timeout, what, response -> {
            String text = response.getPayloadString().trim();
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new DeviceCallException(Reason.OTHER, deviceId,
                        what + " answered '" + abbreviate(text) + "', which is not an int32");
            }
        });
    }

    CompletableFuture<String> readVariable(String deviceId, String name, Duration timeout) {
        requireTimeout(timeout);
        Target what = new Target(deviceId, "variable", name);
        String badName = EventNames.validateHandlerName("variable", name, limits);
        if (badName != null) {
            return failed(Reason.NOT_FOUND, deviceId, "cannot read " + what + ": " + badName);
        }
        Request request = new Request(Code.GET, Type.CON);
        request.getOptions().addUriPath(CorralProfile.PATH_VARIABLE).addUriPath(name);
        return send(deviceId, request, timeout, what, response -> response.getPayloadString());
    }

    /**
     * Delivers an event to a subscribed device as NON {@code POST /E/{name}?from={source}}, Max-Age = TTL.
     * Fire and forget: a lost datagram is not retried, as for any NON message.
     */
    void deliver(LiveSession target, Event event) {
        Request request = new Request(Code.POST, Type.NON);
        request.getOptions().addUriPath(CorralProfile.PATH_EVENT);
        // split(-1) keeps empty segments, so "a//b" arrives as it was published.
        for (String segment : event.name().split("/", -1)) {
            request.getOptions().addUriPath(segment);
        }
        request.getOptions().addUriQuery(CorralProfile.QUERY_FROM + "=" + event.deviceId())
                .setMaxAge(event.ttlSeconds())
                .setContentFormat(event.contentFormat());
        request.setPayload(event.data());
        EndpointContext context = target.context();
        request.setDestinationContext(context);
        request.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onSendError(Throwable error) {
                forgetIfGone(target, context, error);
                LOG.debug("event {} not delivered to {}: {}", event.id(), target.deviceId(), error.toString());
            }
        });
        endpoint.sendRequest(request);
    }

    /** What a call is for, worded for error messages. */
    private record Target(String deviceId, String kind, String name) {
        @Override
        public String toString() {
            return kind + " '" + name + "' of device " + deviceId;
        }
    }

    @FunctionalInterface
    private interface ResponseMapper<T> {
        T map(Response success) throws DeviceCallException;
    }

    private <T> CompletableFuture<T> send(String deviceId, Request request, Duration timeout, Target what,
                                          ResponseMapper<T> onSuccess) {
        LiveSession session = sessions.find(deviceId).orElse(null);
        if (session == null) {
            return failed(Reason.OFFLINE, deviceId, "device " + deviceId + " is offline: it has no live session"
                    + " (it has not said hello since the cloud started, or it said goodbye)");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        EndpointContext context = session.context();
        request.setDestinationContext(context);
        request.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onResponse(Response response) {
                try {
                    result.complete(mapResponse(response, what, onSuccess));
                } catch (DeviceCallException e) {
                    result.completeExceptionally(e);
                } catch (RuntimeException e) {
                    result.completeExceptionally(new DeviceCallException(Reason.OTHER, deviceId,
                            "could not read the answer of " + what + ": " + e));
                }
            }

            @Override
            public void onTimeout() {
                result.completeExceptionally(new DeviceCallException(Reason.TIMEOUT, deviceId,
                        what + " did not answer: CoAP retransmissions ran out"));
            }

            @Override
            public void onReject() {
                result.completeExceptionally(new DeviceCallException(Reason.OTHER, deviceId,
                        "device " + deviceId + " rejected the request for " + what + " with a CoAP reset"));
            }

            @Override
            public void onCancel() {
                result.completeExceptionally(new DeviceCallException(Reason.OTHER, deviceId,
                        "the request for " + what + " was cancelled"));
            }

            @Override
            public void onSendError(Throwable error) {
                if (forgetIfGone(session, context, error)) {
                    result.completeExceptionally(new DeviceCallException(Reason.OFFLINE, deviceId, "device "
                            + deviceId + " is offline: its DTLS connection is gone (" + error.getMessage() + ")"));
                } else {
                    result.completeExceptionally(new DeviceCallException(Reason.OTHER, deviceId,
                            "could not send the request for " + what + ": " + error));
                }
            }
        });
        // The caller's deadline: complete first, then cancel, so onCancel finds the future already done.
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            if (result.completeExceptionally(new DeviceCallException(Reason.TIMEOUT, deviceId,
                    what + " did not answer within " + timeout))) {
                request.cancel();
            }
        });
        try {
            endpoint.sendRequest(request);
        } catch (RuntimeException e) {
            // For example an endpoint that is shutting down: report it through the future like any failure.
            result.completeExceptionally(new DeviceCallException(Reason.OTHER, deviceId,
                    "could not send the request for " + what + ": " + e));
        }
        return result;
    }

    private static <T> T mapResponse(Response response, Target what, ResponseMapper<T> mapper)
            throws DeviceCallException {
        String deviceId = what.deviceId();
        ResponseCode code = response.getCode();
        if (code.isSuccess()) {
            return mapper.map(response);
        }
        String diagnostic = response.getPayloadSize() > 0 ? ": " + abbreviate(response.getPayloadString()) : "";
        Reason reason = switch (code) {
            case NOT_FOUND -> Reason.NOT_FOUND;
            case REQUEST_ENTITY_TOO_LARGE -> Reason.ARGUMENT_TOO_LONG;
            case INTERNAL_SERVER_ERROR -> Reason.HANDLER_FAILED;
            default -> Reason.OTHER;
        };
        String message = switch (reason) {
            case NOT_FOUND -> "device " + deviceId + " has no " + what.kind() + " '" + what.name() + "'";
            case ARGUMENT_TOO_LONG -> "device " + deviceId + " refused the argument of " + what + " as too long";
            case HANDLER_FAILED -> what + " failed on the device";
            default -> what + " answered with unexpected code";
        };
        throw new DeviceCallException(reason, deviceId, message + " (" + code.text + " " + code.name() + diagnostic
                + ")");
    }

    /**
     * A send that fails because the connector has no connection (or a different one) for the context means the
     * device's DTLS connection is gone: forget the session, unless the device has moved on to a newer context.
     */
    private boolean forgetIfGone(LiveSession session, EndpointContext usedContext, Throwable error) {
        if (error instanceof EndpointUnconnectedException || error instanceof EndpointMismatchException) {
            sessions.removeIf(session.deviceId(), current -> current == session && current.context() == usedContext);
            return true;
        }
        return false;
    }

    private static <T> CompletableFuture<T> failed(Reason reason, String deviceId, String message) {
        return CompletableFuture.failedFuture(new DeviceCallException(reason, deviceId, message));
    }

    private static void requireTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
