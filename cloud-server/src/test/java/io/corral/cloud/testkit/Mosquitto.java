package io.corral.cloud.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code mosquitto} broker on a loopback port, started for one test. The binary comes from the OS package
 * {@code mosquitto} (.ci/run installs it). A missing binary fails the test rather than skipping it: a skipped
 * MQTT test would let CI pass without ever having talked to a broker.
 */
public final class Mosquitto implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/bin/mosquitto"),
            Path.of("/usr/local/sbin/mosquitto"), Path.of("/usr/local/bin/mosquitto"));

    private final Process process;
    private final int port;

    private Mosquitto(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a broker on a free port. */
    public static Mosquitto start(Path workDir) {
        return start(workDir, freePort());
    }

    /** Starts a broker on {@code port}, with anonymous access, and waits until it accepts connections. */
    public static Mosquitto start(Path workDir, int port) {
        Path binary = CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
                "mosquitto is not installed (looked in " + CANDIDATES + "); install the OS package: "
                        + "apt-get install mosquitto (.ci/run does)"));
        try {
            Path config = Files.writeString(workDir.resolve("mosquitto-" + port + ".conf"),
                    "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
            Process process = new ProcessBuilder(binary.toString(), "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("mosquitto-" + port + ".log").toFile())
                    .start();
            Mosquitto broker = new Mosquitto(process, port);
            broker.awaitListening();
            return broker;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start mosquitto: " + e.getMessage(), e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + " on port " + port);
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        close();
        throw new IllegalStateException("mosquitto did not listen on port " + port + " within 10 s");
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
