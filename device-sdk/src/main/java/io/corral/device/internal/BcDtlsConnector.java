package io.corral.device.internal;

import io.corral.device.DeviceException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsClientContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.RawDataChannel;
import org.eclipse.californium.elements.util.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Californium {@link Connector} that speaks DTLS 1.2 to one cloud through Bouncy Castle's
 * {@link DTLSClientProtocol}, so a stock {@code CoapEndpoint} runs on top of it.
 *
 * <p>Bouncy Castle's DTLS is blocking and has one connection per call, which suits a device: one cloud, one
 * session. The handshake is driven explicitly by {@link #handshake()} (the device's connection supervisor decides
 * when to connect and how to back off); Californium only sees a connector that either has a session and sends,
 * or fails sends fast with an error. {@link #send(RawData)} never blocks: records are queued to a sender
 * thread. Both the receive loop and the sender run on the injected {@link ThreadFactory}.
 */
public final class BcDtlsConnector implements Connector {
    private static final Logger LOG = LoggerFactory.getLogger(BcDtlsConnector.class);
    private static final int SEND_QUEUE_CAPACITY = 64;
    /**
     * How long one receive call waits. Long, because nothing needs the receive loop to wake up idle: closing the
     * session closes the socket, which ends the wait at once. A simulator runs tens of thousands of sessions, and
     * a wake-up a second each would cost it a core.
     */
    private static final int RECEIVE_WAIT_MILLIS = 600_000;

    private final DtlsIdentity identity;
    private final InetSocketAddress cloud;
    private final InetSocketAddress localAddress;
    private final ThreadFactory threadFactory;
    private final Duration handshakeTimeout;
    private final LinkCondition link;
    private final BcTlsCrypto crypto;
    private final SessionCache sessions;
    private final Consumer<Throwable> onLinkLost;

    private volatile RawDataChannel receiver;
    private volatile EndpointContextMatcher matcher;
    private volatile boolean running;
    private volatile Session current;

    /**
     * @param onLinkLost called from the receive thread when an established session dies (alert, socket error);
     *                   not called for {@link #disconnect()}
     */
    public BcDtlsConnector(io.corral.device.DeviceCredentials credentials, InetSocketAddress cloud,
                           InetSocketAddress localAddress, ThreadFactory threadFactory, Duration handshakeTimeout,
                           LinkCondition link, BcTlsCrypto crypto, Consumer<Throwable> onLinkLost) {
        this(credentials, cloud, localAddress, threadFactory, handshakeTimeout, link, crypto, onLinkLost, true, null);
    }

    /**
     * @param resume      whether a handshake offers the previous session for resumption
     * @param sessionFile where the resumable session is also kept across restarts, or null for memory only
     */
    public BcDtlsConnector(io.corral.device.DeviceCredentials credentials, InetSocketAddress cloud,
                           InetSocketAddress localAddress, ThreadFactory threadFactory, Duration handshakeTimeout,
                           LinkCondition link, BcTlsCrypto crypto, Consumer<Throwable> onLinkLost, boolean resume,
                           java.nio.file.Path sessionFile) {
        this.identity = DtlsIdentity.from(credentials);
        this.sessions = new SessionCache(resume, crypto, sessionFile == null ? null
                : new SessionFile(sessionFile, identity, crypto));
        this.cloud = cloud;
        this.localAddress = localAddress;
        this.threadFactory = threadFactory;
        this.handshakeTimeout = handshakeTimeout;
        this.link = link;
        this.crypto = crypto;
        this.onLinkLost = onLinkLost;
    }

    /** What one successful handshake produced. */
    /**
     * @param cloudConnectionId the Connection ID the cloud assigned, which our records to it carry (RFC 9146);
     *                          empty when the cloud assigned none
     */
    public record HandshakeResult(boolean resumed, String cipherSuite, InetSocketAddress localAddress,
                                  byte[] cloudConnectionId) {
    }

    /**
     * Runs a DTLS handshake on a fresh socket, resuming the previous session when there is one. Blocks the calling
     * thread for at most the handshake timeout. Replaces any current session.
     *
     * @throws DeviceException AUTHENTICATION_REFUSED, HANDSHAKE_TIMEOUT or IO
     */
    public HandshakeResult handshake() {
        disconnect();
        UdpTransport transport;
        try {
            transport = new UdpTransport(localAddress, cloud, link);
        } catch (IOException e) {
            throw new DeviceException(DeviceException.Reason.IO, "cannot open a UDP socket on " + localAddress + ": "
                    + e.getMessage(), e);
        }
        CorralTlsClient client = new CorralTlsClient(crypto, identity, sessions.get(),
                (int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis()));
        DTLSTransport dtls;
        try {
            dtls = new DTLSClientProtocol().connect(client, transport);
        } catch (IOException | RuntimeException e) {
            transport.close();
            DeviceException failure = classify(e, client);
            // The cloud refused something: do not offer that session again. A timeout or a socket error says
            // nothing about the session, and after an outage resuming it is what spares the cloud a full handshake.
            if (failure.reason() == DeviceException.Reason.AUTHENTICATION_REFUSED || e instanceof TlsFatalAlert
                    || e instanceof TlsFatalAlertReceived) {
                sessions.clear();
            }
            throw failure;
        }
        TlsClientContext context = client.handshakeContext();
        SecurityParameters parameters = context.getSecurityParametersConnection();
        if (context.getResumableSession() != null) {
            sessions.put(context.getResumableSession());
        }
        byte[] sessionId = parameters.getSessionID();
        String cipher = client.cipherSuiteName();
        DtlsEndpointContext endpointContext = new DtlsEndpointContext(cloud, null, null,
                new Bytes(sessionId == null || sessionId.length == 0 ? new byte[] {0} : sessionId), 1,
                cipher, System.currentTimeMillis());
        Session session = new Session(transport, dtls, endpointContext);
        current = session;
        session.start();
        byte[] cloudCid = parameters.getConnectionIDLocal(); // BC: "local" is the CID our writes carry
        return new HandshakeResult(parameters.isResumedSession(), cipher, transport.localAddress(),
                cloudCid == null ? new byte[0] : cloudCid.clone());
    }

    private DeviceException classify(Exception e, CorralTlsClient client) {
        Short alert = client.receivedAlert();
        if (e instanceof TlsFatalAlertReceived received) {
            alert = received.getAlertDescription();
        }
        if (alert != null && isAuthenticationAlert(alert)) {
            return new DeviceException(DeviceException.Reason.AUTHENTICATION_REFUSED, "the cloud refused our "
                    + (identity.isPsk() ? "PSK" : "key") + " (alert " + AlertDescription.getText(alert)
                    + "); check the device credentials", e);
        }
        if (e instanceof TlsFatalAlert raised && raised.getAlertDescription() == AlertDescription.bad_certificate) {
            return new DeviceException(DeviceException.Reason.AUTHENTICATION_REFUSED, e.getMessage(), e);
        }
        if (e instanceof TlsTimeoutException || e instanceof InterruptedIOException) {
            return new DeviceException(DeviceException.Reason.HANDSHAKE_TIMEOUT, "the DTLS handshake with " + cloud
                    + " did not finish within " + handshakeTimeout.toMillis() + " ms", e);
        }
        return new DeviceException(DeviceException.Reason.IO, "the DTLS handshake with " + cloud + " failed: " + e,
                e);
    }

    private static boolean isAuthenticationAlert(short alert) {
        return alert == AlertDescription.bad_certificate || alert == AlertDescription.unknown_psk_identity
                || alert == AlertDescription.decrypt_error || alert == AlertDescription.access_denied
                || alert == AlertDescription.certificate_unknown || alert == AlertDescription.unsupported_certificate
                || alert == AlertDescription.bad_record_mac || alert == AlertDescription.handshake_failure
                || alert == AlertDescription.unknown_ca;
    }

    /** Closes the current session, if any, with a close_notify. Pending sends fail. */
    public void disconnect() {
        Session session = current;
        current = null;
        if (session != null) {
            session.close();
        }
    }

    /** Forgets the resumable session, so the next handshake is a full one. */
    public void forgetSession() {
        sessions.clear();
    }

    /** Whether a DTLS session is established right now. */
    public boolean isConnected() {
        Session session = current;
        return session != null && !session.closed;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        disconnect();
    }

    @Override
    public void destroy() {
        stop();
    }

    @Override
    public void send(RawData message) {
        Session session = current;
        if (session == null || session.closed || !running) {
            message.onError(new IOException("not connected to the cloud"));
            return;
        }
        EndpointContextMatcher contextMatcher = matcher;
        if (contextMatcher != null && !contextMatcher.isToBeSent(message.getEndpointContext(), session.context)) {
            message.onError(new IOException("message belongs to an earlier DTLS session"));
            return;
        }
        if (!session.outbound.offer(message)) {
            message.onError(new IOException("send queue full (" + SEND_QUEUE_CAPACITY + " records)"));
        }
    }

    @Override
    public void setRawDataReceiver(RawDataChannel messageHandler) {
        this.receiver = messageHandler;
    }

    @Override
    public void setEndpointContextMatcher(EndpointContextMatcher matcher) {
        this.matcher = matcher;
    }

    @Override
    public InetSocketAddress getAddress() {
        Session session = current;
        return session != null ? session.transport.localAddress() : localAddress;
    }

    @Override
    public String getProtocol() {
        return "DTLS";
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void processDatagram(DatagramPacket datagram) {
        throw new UnsupportedOperationException("records arrive through the DTLS session, not as raw datagrams");
    }

    @Override
    public String toString() {
        return "BcDtlsConnector[" + cloud + "]";
    }

    /** One established DTLS session: its socket, its receive loop and its sender. */
    private final class Session {
        final UdpTransport transport;
        final DTLSTransport dtls;
        final DtlsEndpointContext context;
        final BlockingQueue<RawData> outbound = new ArrayBlockingQueue<>(SEND_QUEUE_CAPACITY);
        volatile boolean closed;
        private Thread receiverThread;
        private volatile Thread senderThread;

        Session(UdpTransport transport, DTLSTransport dtls, DtlsEndpointContext context) {
            this.transport = transport;
            this.dtls = dtls;
            this.context = context;
        }

        void start() {
            receiverThread = threadFactory.newThread(this::receiveLoop);
            senderThread = threadFactory.newThread(this::sendLoop);
            receiverThread.start();
            senderThread.start();
        }

        private void receiveLoop() {
            try {
                byte[] buffer = new byte[dtls.getReceiveLimit()];
                while (!closed) {
                    int length = dtls.receive(buffer, 0, buffer.length, RECEIVE_WAIT_MILLIS);
                    if (length < 0 || closed) {
                        continue;
                    }
                    byte[] data = java.util.Arrays.copyOf(buffer, length);
                    RawDataChannel channel = receiver;
                    if (channel != null) {
                        channel.receiveData(RawData.inbound(data, context, false, System.nanoTime(),
                                transport.localAddress()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.debug("DTLS session with {} lost: {}", cloud, e.toString());
                    close();
                    onLinkLost.accept(e);
                }
            }
        }

        private void sendLoop() {
            try {
                while (!closed) {
                    RawData message = outbound.take(); // close() interrupts the wait
                    message.onContextEstablished(context);
                    try {
                        byte[] bytes = message.getBytes();
                        dtls.send(bytes, 0, bytes.length);
                        message.onSent();
                    } catch (IOException | RuntimeException e) {
                        message.onError(e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            RawData left;
            while ((left = outbound.poll()) != null) {
                left.onError(new IOException("DTLS session closed"));
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                dtls.close(); // sends close_notify, then closes the socket
            } catch (IOException | RuntimeException e) {
                LOG.trace("close of DTLS session failed", e);
            }
            transport.close();
            Thread sender = senderThread;
            if (sender != null) {
                sender.interrupt(); // it waits for records to send without a timeout
            }
        }
    }
}
