package io.corral.device;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.ResumingServerHandshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * A stand-in cloud for the SDK's own tests: a real Scandium DTLS server with a minimal profile (hello, describe,
 * publish, subscribe, time), so the connector and the device are tested against a real DTLS stack without the
 * cloud module. The real cloud has its own end-to-end tests.
 */
final class ScandiumTestCloud implements AutoCloseable {
    final KeyPair keyPair;
    final List<String> published = new CopyOnWriteArrayList<>();
    final List<String> subscribed = new CopyOnWriteArrayList<>();
    final AtomicInteger fullHandshakes = new AtomicInteger();
    final AtomicInteger resumedHandshakes = new AtomicInteger();
    /** How many of the next hellos get 5.03 with Max-Age {@link #OVERLOADED_MAX_AGE_SECONDS}, as an overloaded cloud. */
    final AtomicInteger overloadedHellos = new AtomicInteger();
    final AtomicInteger hellos = new AtomicInteger();
    static final int OVERLOADED_MAX_AGE_SECONDS = 1;
    volatile EndpointContext lastDeviceContext;
    private final CoapServer server;
    private final CoapEndpoint endpoint;

    ScandiumTestCloud(String pskIdentity, String psk) throws Exception {
        this(pskIdentity, psk, p256(), 0);
    }

    /** A cloud with a given key pair on a given port, as a restarted cloud would be. */
    ScandiumTestCloud(String pskIdentity, String psk, KeyPair keyPair, int port) throws Exception {
        this.keyPair = keyPair;
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 6);
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        config.set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
                CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
        config.set(DtlsConfig.DTLS_CERTIFICATE_TYPES, List.of(CertificateType.RAW_PUBLIC_KEY));
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress("127.0.0.1", port))
                .setAdvancedPskStore(new AdvancedSinglePskStore(pskIdentity, psk.getBytes(StandardCharsets.UTF_8)))
                .setCertificateIdentityProvider(new SingleCertificateProvider(keyPair.getPrivate(), keyPair.getPublic()))
                .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder().setTrustAllRPKs().build())
                .build();
        DTLSConnector connector = new DTLSConnector(dtls) {
            @Override
            protected void onInitializeHandshaker(Handshaker handshaker) {
                super.onInitializeHandshaker(handshaker);
                handshaker.addSessionListener(new SessionAdapter() {
                    @Override
                    public void handshakeCompleted(Handshaker completed) {
                        (completed instanceof ResumingServerHandshaker ? resumedHandshakes : fullHandshakes)
                                .incrementAndGet();
                    }

                    @Override
                    public void handshakeFailed(Handshaker failed, Throwable error) {
                    }
                });
            }
        };
        endpoint = new CoapEndpoint.Builder().setConnector(connector).setConfiguration(config).build();
        server = new CoapServer(config);
        server.addEndpoint(endpoint);
        server.add(new CoapResource("h") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                hellos.incrementAndGet();
                if (overloadedHellos.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    Response overloaded = new Response(ResponseCode.SERVICE_UNAVAILABLE);
                    overloaded.getOptions().setMaxAge(OVERLOADED_MAX_AGE_SECONDS);
                    exchange.respond(overloaded);
                    return;
                }
                lastDeviceContext = exchange.advanced().getRequest().getSourceContext();
                exchange.respond(ResponseCode.CHANGED, "{\"time\":" + System.currentTimeMillis() / 1000
                        + ",\"keepalive\":30}");
            }
        });
        server.add(new CoapResource("d") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                exchange.respond(ResponseCode.CHANGED);
            }
        });
        server.add(new CoapResource("t") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(ResponseCode.CONTENT, Long.toString(System.currentTimeMillis() / 1000));
            }
        });
        server.add(new Wildcard("E") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                published.add(exchange.getRequestOptions().getUriPathString() + "=" + exchange.getRequestText());
                exchange.respond(ResponseCode.CHANGED);
            }
        });
        server.add(new Wildcard("e") {
            @Override
            public void handlePUT(CoapExchange exchange) {
                subscribed.add(exchange.getRequestOptions().getUriPathString());
                exchange.respond(ResponseCode.CREATED);
            }
        });
        server.start();
    }

    InetSocketAddress address() {
        return endpoint.getAddress();
    }

    byte[] publicKeySpki() {
        return keyPair.getPublic().getEncoded();
    }

    /** Sends a request to the last device that said hello, the way the real cloud calls functions. */
    Response request(Request request) throws InterruptedException {
        request.setDestinationContext(lastDeviceContext);
        endpoint.sendRequest(request);
        return request.waitForResponse(5000);
    }

    @Override
    public void close() {
        server.destroy();
    }

    static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static class Wildcard extends CoapResource {
        Wildcard(String name) {
            super(name);
        }

        @Override
        public Resource getChild(String name) {
            return this;
        }
    }
}
