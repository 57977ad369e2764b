package io.corral.device.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.device.DeviceException;
import io.corral.device.DeviceException.Reason;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.Messages;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way requests reach the cloud: a Californium {@link CoapEndpoint} on the {@link BcDtlsConnector}.
 * Answers come back as futures that fail with a {@link DeviceException} whose reason says what went wrong, and
 * every request gives up after the request timeout. Shared by the supervisor, the request handlers and the
 * publish path. Thread-safe.
 */
final class CloudChannel {
    private static final Logger LOG = LoggerFactory.getLogger(CloudChannel.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** How long a goodbye may take to leave; it is a courtesy, so a dead link must not hold up a disconnect. */
    private static final long GOODBYE_WAIT_MILLIS = 500;

    private final String deviceId;
    private final BcDtlsConnector connector;
    private final CoapEndpoint endpoint;
    private final InetSocketAddress cloud;
    private final Duration requestTimeout;

    CloudChannel(String deviceId, BcDtlsConnector connector, CoapEndpoint endpoint, InetSocketAddress cloud,
                 Duration requestTimeout) {
        this.deviceId = deviceId;
        this.connector = connector;
        this.endpoint = endpoint;
        this.cloud = cloud;
        this.requestTimeout = requestTimeout;
    }

    /** Path {@code /head/segments...}; empty segments are kept, so "alerts/" stays distinct from "alerts". */
    static void addPath(Request request, String head, String name) {
        request.getOptions().addUriPath(head);
        if (name != null && !name.isEmpty()) {
            for (String segment : name.split("/", -1)) {
                request.getOptions().addUriPath(segment);
            }
        }
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }

    /** Waits for {@code future}; its failure is rethrown as the DeviceException it carries. */
    static <T> T await(CompletableFuture<T> future) {
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

    /**
     * Sends a confirmable request. The answer fails with NOT_CONNECTED when there is no session, REJECTED with the
     * code and Max-Age of an error answer, or TIMEOUT after the request timeout.
     */
    CompletableFuture<Response> send(Request request) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        if (!connector.isConnected()) {
            result.completeExceptionally(new DeviceException(Reason.NOT_CONNECTED, "device " + deviceId
                    + " is not connected to the cloud"));
            return result;
        }
        request.setDestinationContext(new AddressEndpointContext(cloud));
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
        return result.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException) {
                        request.cancel();
                        return CompletableFuture.failedFuture(new DeviceException(Reason.TIMEOUT, "no answer from "
                                + "the cloud to /" + request.getOptions().getUriPathString() + " within "
                                + requestTimeout.toMillis() + " ms"));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    /** Sends without asking for an answer; lost silently when there is no session. */
    void sendNoAck(Request request) {
        request.setDestinationContext(new AddressEndpointContext(cloud));
        endpoint.sendRequest(request);
    }

    /** A CoAP ping (empty CON, answered by RST); completes when answered, fails when Californium gives up. */
    CompletableFuture<Void> ping() {
        Request ping = Request.newPing();
        ping.setToken(Token.EMPTY);
        ping.setDestinationContext(new AddressEndpointContext(cloud));
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
        // Whoever stops waiting (the supervisor's ping timeout) cancels the exchange too.
        pong.whenComplete((ok, failure) -> {
            if (failure != null) {
                ping.cancel();
            }
        });
        return pong;
    }

    /** Sends a goodbye (NON) if the session is up, and waits briefly for it to leave. */
    void goodbye() {
        if (!connector.isConnected()) {
            return;
        }
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
        goodbye.setDestinationContext(new AddressEndpointContext(cloud));
        endpoint.sendRequest(goodbye);
        try {
            sent.get(GOODBYE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("device {}: goodbye not sent: {}", deviceId, e.toString());
        }
    }
}
