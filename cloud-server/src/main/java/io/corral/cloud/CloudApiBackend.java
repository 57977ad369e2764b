package io.corral.cloud;

import io.corral.cloud.api.ApiBackend;
import io.corral.cloud.api.DevicePresence;
import io.corral.cloud.coap.LiveSession;
import io.corral.cloud.events.Event;
import io.corral.cloud.events.EventIngress;
import io.corral.cloud.events.EventListener;
import io.corral.cloud.events.Subscription;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.ops.Ops;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.registry.UserStore;
import io.corral.protocol.CorralProfile;
import io.corral.protocol.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The one adapter between {@link Cloud} and its HTTP API: live sessions become {@link DevicePresence}s. */
final class CloudApiBackend implements ApiBackend {
    private final Cloud cloud;
    private final TokenStore tokens;
    private final UserStore users;

    CloudApiBackend(Cloud cloud, TokenStore tokens, UserStore users) {
        this.cloud = cloud;
        this.tokens = tokens;
        this.users = users;
    }

    @Override
    public DeviceRegistry registry() {
        return cloud.registry();
    }

    @Override
    public TokenStore tokens() {
        return tokens;
    }

    @Override
    public UserStore users() {
        return users;
    }

    @Override
    public Limits limits() {
        return cloud.limits();
    }

    @Override
    public Optional<Ops> ops() {
        return cloud.ops();
    }

    @Override
    public byte[] cloudPublicKeySpki() {
        return cloud.publicKeySpki();
    }

    @Override
    public int coapPort() {
        return cloud.coapAddress().getPort();
    }

    @Override
    public Optional<DevicePresence> presence(String deviceId) {
        return cloud.sessions().find(deviceId).map(CloudApiBackend::presence);
    }

    private static DevicePresence presence(LiveSession session) {
        Map<String, String> variables = new LinkedHashMap<>();
        session.variables().forEach((name, type) -> variables.put(name, type.wireName()));
        return new DevicePresence(session.since(), session.firmware(), session.product(), session.functions(),
                variables);
    }

    @Override
    public String metrics() {
        return cloud.metrics().scrape();
    }

    @Override
    public Optional<String> notReadyReason() {
        try {
            cloud.coapAddress();
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of("the CoAP/DTLS endpoint is not running: " + e.getMessage());
        }
    }

    @Override
    public CompletableFuture<Integer> callFunction(String deviceId, String name, String argument, Duration timeout) {
        return cloud.callFunction(deviceId, name, argument, timeout);
    }

    @Override
    public CompletableFuture<String> readVariable(String deviceId, String name, Duration timeout) {
        return cloud.readVariable(deviceId, name, timeout);
    }

    @Override
    public void publish(String owner, String name, String data, int ttlSeconds) {
        cloud.publishFromApi(owner, name, data, ttlSeconds);
    }

    /**
     * The API's publish: text data, source {@value CorralProfile#SOURCE_API}, through the same ingress as a
     * device's; returns once the event is durable and routed.
     *
     * @throws IllegalArgumentException ({@link io.corral.cloud.events.EventRefusedException}) for a bad event
     * @throws IntegrationException     if it could not be queued for integrations; then it was not routed
     */
    static void publish(EventIngress ingress, String owner, String name, String data, int ttlSeconds) {
        Objects.requireNonNull(owner, "owner");
        byte[] bytes = (data == null ? "" : data).getBytes(StandardCharsets.UTF_8);
        Event event = ingress.validate(name, bytes, Event.TEXT_PLAIN, ttlSeconds, CorralProfile.SOURCE_API, owner);
        try {
            ingress.publish(event).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IntegrationException ie ? ie
                    : new IntegrationException(IntegrationException.Reason.STORAGE, e.getCause().getMessage(), e);
        }
    }

    @Override
    public Subscription subscribe(String owner, String prefix, String deviceFilter, EventListener listener) {
        return cloud.eventBus().subscribe(owner, prefix, deviceFilter, listener);
    }

    @Override
    public Optional<Integrations> integrations() {
        try {
            return Optional.of(cloud.integrations());
        } catch (IllegalStateException none) {
            return Optional.empty();
        }
    }
}
