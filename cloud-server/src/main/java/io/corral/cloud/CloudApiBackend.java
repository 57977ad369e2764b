package io.corral.cloud;

import io.corral.cloud.api.ApiBackend;
import io.corral.cloud.api.DevicePresence;
import io.corral.cloud.coap.LiveSession;
import io.corral.cloud.events.EventListener;
import io.corral.cloud.events.Subscription;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.ops.Ops;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.TokenStore;
import io.corral.protocol.Limits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The one adapter between {@link Cloud} and its HTTP API: live sessions become {@link DevicePresence}s. */
final class CloudApiBackend implements ApiBackend {
    private final Cloud cloud;
    private final TokenStore tokens;

    CloudApiBackend(Cloud cloud, TokenStore tokens) {
        this.cloud = cloud;
        this.tokens = tokens;
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
