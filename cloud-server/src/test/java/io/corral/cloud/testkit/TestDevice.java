package io.corral.cloud.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.SystemConfig;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * A stand-in device for tests: a Scandium DTLS client with a Californium {@link CoapClient} for device-to-cloud
 * requests, and a {@link CoapServer} on the same endpoint that answers the cloud's function calls, variable reads
 * and event deliveries. Like the Bouncy Castle client of the real SDK, it offers an empty connection id.
 */
public final class TestDevice implements AutoCloseable {
    private static final long RESPONSE_TIMEOUT_MILLIS = 15_000;

    private final String id;
    private final InetSocketAddress cloud;
    private final DTLSConnector connector;
    private final CoapEndpoint endpoint;
    private final CoapServer server;
    private final CoapClient client;
    private final BlockingQueue<Request> deliveries = new LinkedBlockingQueue<>();
    private final Map<String, Function<String, Integer>> functions = new ConcurrentHashMap<>();
    private final Map<String, Supplier<String>> variables = new ConcurrentHashMap<>();

    private TestDevice(String id, InetSocketAddress cloud, DtlsConnectorConfig dtls, Configuration configuration) {
        this.id = id;
        this.cloud = cloud;
        this.connector = new DTLSConnector(dtls);
        this.endpoint = new CoapEndpoint.Builder().setConfiguration(configuration).setConnector(connector).build();
        this.server = new CoapServer(configuration);
        server.addEndpoint(endpoint);
        server.add(new FunctionResource(), new VariableResource(), new DeliveryResource());
        server.start();
        this.client = new CoapClient();
        client.setEndpoint(endpoint);
        client.setTimeout(RESPONSE_TIMEOUT_MILLIS);
    }

    /** A PSK device: identity = device id, key = UTF-8 bytes of {@code psk}. */
    public static TestDevice psk(String deviceId, String psk, InetSocketAddress cloud) {
        return psk(deviceId, psk, cloud, false);
    }

    /**
     * A PSK device the cloud is expected to refuse. The cloud refuses a PSK handshake silently, so this device
     * retransmits once, briefly, and then reports a handshake timeout instead of trying for a minute.
     */
    public static TestDevice refusedPsk(String deviceId, String psk, InetSocketAddress cloud) {
        return psk(deviceId, psk, cloud, true);
    }

    private static TestDevice psk(String deviceId, String psk, InetSocketAddress cloud, boolean giveUpQuickly) {
        Configuration configuration = configuration(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
        if (giveUpQuickly) {
            configuration.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 500, TimeUnit.MILLISECONDS);
            configuration.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 1);
        }
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(configuration)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(deviceId, psk.getBytes(StandardCharsets.UTF_8)))
                .build();
        return new TestDevice(deviceId, cloud, dtls, configuration);
    }

    /** A raw-public-key device that pins the cloud's key. */
    public static TestDevice rpk(String deviceId, KeyPair keys, byte[] cloudSpki, InetSocketAddress cloud) {
        Configuration configuration = configuration(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
        configuration.setAsList(DtlsConfig.DTLS_CERTIFICATE_TYPES, CertificateType.RAW_PUBLIC_KEY);
        try {
            DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(configuration)
                    .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .setCertificateIdentityProvider(new SingleCertificateProvider(keys.getPrivate(), keys.getPublic()))
                    .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                            .setTrustedRPKs(new RawPublicKeyIdentity(cloudSpki)).build())
                    .build();
            return new TestDevice(deviceId, cloud, dtls, configuration);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cloud key is not a public key", e);
        }
    }

    private static Configuration configuration(CipherSuite suite) {
        Configuration configuration = new Configuration(CoapConfig.DEFINITIONS, DtlsConfig.DEFINITIONS,
                UdpConfig.DEFINITIONS, SystemConfig.DEFINITIONS);
        configuration.set(DtlsConfig.DTLS_ROLE, DtlsRole.CLIENT_ONLY);
        // 0 = support CID but ask for none: an empty client CID, as Bouncy Castle's DTLS client sends.
        configuration.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        configuration.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        configuration.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, suite);
        configuration.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        configuration.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        configuration.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        // Large enough that the tests' oversized payloads go in one message rather than block-wise.
        configuration.set(CoapConfig.MAX_MESSAGE_SIZE, 2048);
        return configuration;
    }

    public String id() {
        return id;
    }

    /** Sends a CON request and waits for the answer; a DTLS or send failure is thrown. */
    public CoapResponse request(Code code, String path, byte[] payload, Consumer<OptionSet> options)
            throws ConnectorException, IOException {
        return request(code, Type.CON, path, payload, options);
    }

    public CoapResponse request(Code code, Type type, String path, byte[] payload, Consumer<OptionSet> options)
            throws ConnectorException, IOException {
        CoapResponse response = client.advanced(newRequest(code, type, path, payload, options));
        if (response == null) {
            throw new IOException("no answer to " + code + " /" + path + " within " + RESPONSE_TIMEOUT_MILLIS + " ms");
        }
        return response;
    }

    /** Sends a request without waiting for any answer, as for NON goodbye. */
    public void fireAndForget(Code code, Type type, String path, byte[] payload) {
        endpoint.sendRequest(newRequest(code, type, path, payload, options -> { }));
    }

    private Request newRequest(Code code, Type type, String path, byte[] payload, Consumer<OptionSet> options) {
        Request request = new Request(code, type);
        request.setURI("coaps://" + cloud.getAddress().getHostAddress() + ":" + cloud.getPort());
        request.getOptions().clearUriPath();
        if (!path.isEmpty()) {
            for (String segment : path.split("/", -1)) {
                request.getOptions().addUriPath(segment);
            }
        }
        if (payload != null) {
            request.setPayload(payload);
        }
        options.accept(request.getOptions());
        return request;
    }

    public CoapResponse post(String path, String body) throws ConnectorException, IOException {
        return request(Code.POST, path, utf8(body), options -> { });
    }

    public CoapResponse put(String path, String body) throws ConnectorException, IOException {
        return request(Code.PUT, path, utf8(body), options -> { });
    }

    public CoapResponse get(String path) throws ConnectorException, IOException {
        return request(Code.GET, path, null, options -> { });
    }

    public CoapResponse delete(String path) throws ConnectorException, IOException {
        return request(Code.DELETE, path, null, options -> { });
    }

    /** Says hello with a fixed body; the cloud must answer 2.04. */
    public CoapResponse hello() throws ConnectorException, IOException {
        CoapResponse response = post("h", "{\"fw\":\"1.2.3\",\"product\":\"thermo\",\"sdk\":\"test\",\"features\":[\"f\"]}");
        if (response.getCode() != ResponseCode.CHANGED) {
            throw new AssertionError("hello answered " + response.getCode() + ": " + response.getResponseText());
        }
        return response;
    }

    /** Publishes text data with CON. */
    public CoapResponse publish(String name, String data) throws ConnectorException, IOException {
        return post("E/" + name, data);
    }

    /** Registers a function the cloud may call; a handler that throws answers 5.00. */
    public TestDevice function(String name, Function<String, Integer> handler) {
        functions.put(name, handler);
        return this;
    }

    /** Registers a variable the cloud may read, as JSON text. */
    public TestDevice variable(String name, Supplier<String> jsonValue) {
        variables.put(name, jsonValue);
        return this;
    }

    /** The next event the cloud delivered, or null if none arrives in time. */
    public Request nextDelivery() throws InterruptedException {
        return deliveries.poll(RESPONSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Events delivered so far and not taken yet. */
    public List<Request> pendingDeliveries() {
        return List.copyOf(deliveries);
    }

    /** Sends a CoAP ping (empty CON); true if the cloud answered with a reset. */
    public boolean ping() {
        CoapClient pinger = new CoapClient("coaps://" + cloud.getAddress().getHostAddress() + ":" + cloud.getPort());
        pinger.setEndpoint(endpoint);
        try {
            return pinger.ping(RESPONSE_TIMEOUT_MILLIS);
        } finally {
            pinger.shutdown();
        }
    }

    /** Sends bytes as one DTLS application record, bypassing CoAP: for malformed messages. */
    public void sendRaw(byte[] datagram) {
        connector.send(RawData.outbound(datagram, new AddressEndpointContext(cloud), null, false));
    }

    /** Makes the next request start an abbreviated (resumption) handshake. */
    public void forceResumption() {
        connector.forceResumeAllSessions();
    }

    /** Closes the DTLS connection to the cloud with a close_notify alert; the device stays usable. */
    public void closeConnection() {
        connector.close(cloud);
    }

    @Override
    public void close() {
        client.shutdown();
        server.destroy();
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** A resource that answers for every path below its own, like the profile's /f, /v and /E. */
    private abstract static class Wildcard extends CoapResource {
        Wildcard(String name) {
            super(name);
        }

        @Override
        public Resource getChild(String name) {
            return this;
        }

        static String rest(CoapExchange exchange) {
            List<String> path = exchange.getRequestOptions().getUriPath();
            return String.join("/", path.subList(1, path.size()));
        }
    }

    private final class FunctionResource extends Wildcard {
        FunctionResource() {
            super("f");
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            Function<String, Integer> handler = functions.get(rest(exchange));
            if (handler == null) {
                exchange.respond(ResponseCode.NOT_FOUND, "no function " + rest(exchange));
            } else if (exchange.getRequestPayloadSize() > 1024) {
                exchange.respond(ResponseCode.REQUEST_ENTITY_TOO_LARGE, "argument over 1024 bytes");
            } else {
                try {
                    int result = handler.apply(exchange.getRequestText());
                    exchange.respond(ResponseCode.CHANGED, Integer.toString(result), MediaTypeRegistry.TEXT_PLAIN);
                } catch (RuntimeException e) {
                    exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR, "handler threw " + e.getMessage());
                }
            }
        }
    }

    private final class VariableResource extends Wildcard {
        VariableResource() {
            super("v");
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            Supplier<String> value = variables.get(rest(exchange));
            if (value == null) {
                exchange.respond(ResponseCode.NOT_FOUND, "no variable " + rest(exchange));
            } else {
                exchange.respond(ResponseCode.CONTENT, value.get(), MediaTypeRegistry.APPLICATION_JSON);
            }
        }
    }

    private final class DeliveryResource extends Wildcard {
        DeliveryResource() {
            super("E");
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            deliveries.add(exchange.advanced().getRequest());
            exchange.respond(ResponseCode.CHANGED);
        }
    }
}
