package io.corral.device.internal;

import io.corral.protocol.CorralProfile;
import io.corral.protocol.EventNames;
import io.corral.protocol.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;

/**
 * Events out to the cloud, with an acknowledgement (CON) or without (NON), and the cloud's time. Names and sizes
 * are checked against the {@link Limits} before anything is sent, so bad input fails at once, locally, with a
 * message that names the limit. Thread-safe.
 */
final class PublishPath {
    private final Limits limits;
    private final CloudChannel channel;

    PublishPath(Limits limits, CloudChannel channel) {
        this.limits = limits;
        this.channel = channel;
    }

    /** Completes when the cloud acknowledged the event durably. */
    CompletableFuture<Void> publish(String name, byte[] data, Duration ttl) {
        return channel.send(request(name, data, ttl, CoAP.Type.CON)).thenApply(response -> null);
    }

    /** May be lost, silently so when not connected. */
    void publishNoAck(String name, byte[] data) {
        channel.sendNoAck(request(name, data, null, CoAP.Type.NON));
    }

    CompletableFuture<Instant> cloudTime() {
        Request request = Request.newGet();
        CloudChannel.addPath(request, CorralProfile.PATH_TIME, null);
        return channel.send(request).thenApply(response -> Instant.ofEpochSecond(Long.parseLong(
                response.getPayloadString().trim())));
    }

    private Request request(String name, byte[] data, Duration ttl, CoAP.Type type) {
        String error = EventNames.validatePublishName(name, limits);
        if (error != null) {
            throw new IllegalArgumentException(error);
        }
        if (data.length > limits.maxEventDataBytes()) {
            throw new IllegalArgumentException("event data must be at most " + limits.maxEventDataBytes()
                    + " bytes, was " + data.length);
        }
        Request request = Request.newPost();
        request.setType(type);
        CloudChannel.addPath(request, CorralProfile.PATH_EVENT, name);
        request.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        if (ttl != null) {
            request.getOptions().setMaxAge(ttl.toSeconds());
        }
        request.setPayload(data);
        return request;
    }
}
