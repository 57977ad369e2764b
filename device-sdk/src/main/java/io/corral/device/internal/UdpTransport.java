package io.corral.device.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.bouncycastle.tls.DatagramTransport;

/**
 * One UDP socket connected to the cloud, as Bouncy Castle's DTLS wants it. The {@link LinkCondition} lets the
 * simulator cut the link without closing the socket, the way a carrier outage looks to a device.
 */
final class UdpTransport implements DatagramTransport {
    /** IPv4 minimum reassembly size minus IP and UDP headers: what fits without fragmentation on any path. */
    private static final int MTU_PAYLOAD = 1400;

    private final DatagramSocket socket;
    private final LinkCondition link;

    UdpTransport(InetSocketAddress localAddress, InetSocketAddress cloud, LinkCondition link) throws IOException {
        this.socket = new DatagramSocket(localAddress);
        this.socket.connect(cloud);
        this.link = link;
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public int getReceiveLimit() {
        return MTU_PAYLOAD + 200;
    }

    @Override
    public int getSendLimit() {
        return MTU_PAYLOAD;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        DatagramPacket packet = new DatagramPacket(buf, off, len);
        while (true) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (remainingMillis <= 0) {
                return -1;
            }
            // 0 would mean "wait forever" to the socket.
            socket.setSoTimeout((int) Math.max(1, remainingMillis));
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            if (!link.isDown()) {
                return packet.getLength();
            }
            packet.setData(buf, off, len); // dropped by the simulated outage; wait for the next one
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (link.isDown()) {
            return;
        }
        socket.send(new DatagramPacket(buf, off, len));
    }

    @Override
    public void close() {
        socket.close();
    }
}
