package io.corral.simulator;

import io.corral.cloud.Cloud;
import io.corral.cloud.admission.AdmissionSettings;
import io.corral.cloud.registry.SqliteTokenStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A real cloud in-process for the simulator's tests: SQLite in a temp dir, CoAP/DTLS and the HTTP API on
 * ephemeral loopback ports, and an access token for the fleet's owner.
 */
final class SimCloud implements AutoCloseable {
    final Cloud cloud;
    final String token;

    SimCloud(Path dataDir, AdmissionSettings admission) {
        cloud = Cloud.builder().dataDir(dataDir).coapHost("127.0.0.1").coapPort(0).httpHost("127.0.0.1").httpPort(0)
                .admission(admission).build();
        try {
            cloud.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (SqliteTokenStore tokens = SqliteTokenStore.open(dataDir)) {
            token = tokens.create("sim", false, null).token();
        }
    }

    String url() {
        return "http://127.0.0.1:" + cloud.httpAddress().getPort();
    }

    @Override
    public void close() {
        cloud.close();
    }

    /** What one run of the command line printed, and its exit code. */
    record Outcome(int exit, String out, String err) {
    }

    static Outcome corralSim(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SimulatorCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }
}
