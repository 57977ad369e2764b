package io.corral.cloud.cli;

import io.corral.cloud.Cloud;
import io.corral.cloud.api.ApiServer;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.protocol.CorralProfile;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral-cloud run}: runs the cloud in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "run",
        description = {"Runs the cloud until SIGTERM or Ctrl-C, then shuts it down cleanly.",
                "Initialises the data directory first if needed."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    private DataDirOption data;
    @Spec
    private CommandSpec spec;

    @Option(names = "--coap-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address the CoAP/DTLS endpoint binds to (default: ${DEFAULT-VALUE}).")
    private String coapHost;

    @Option(names = "--coap-port", paramLabel = "PORT", defaultValue = "" + CorralProfile.DEFAULT_PORT,
            converter = PortConverters.ListenPort.class,
            description = "UDP port of the CoAP/DTLS endpoint, in [0, 65535]; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int coapPort;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address the HTTP API binds to (default: ${DEFAULT-VALUE}).")
    private String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "" + ApiServer.Builder.DEFAULT_PORT,
            converter = PortConverters.ListenPort.class,
            description = "TCP port of the HTTP API, in [0, 65535]; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int httpPort;

    @Mixin
    private AlertingOptions alerting;

    @Mixin
    private AdmissionOptions admission;

    @Option(names = "--keep-connections", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Save the DTLS connections in the data dir on SIGTERM and load them at start, so devices",
                    "need no handshake after a planned restart (default: on)."})
    private boolean keepConnections;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = {"Integration workers in this process, in [0, 64] (default: ${DEFAULT-VALUE});",
                    "0 leaves delivery to separate 'corral-cloud worker' processes."})
    private int workers;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        var admissionSettings = admission.settings(spec.commandLine());
        if (data.initialise().created()) {
            out.println("initialised " + data.dir());
        }
        Cloud cloud = alerting.applyTo(Cloud.builder().dataDir(data.dir()).coapHost(coapHost).coapPort(coapPort)
                .admission(admissionSettings).keepConnectionsAcrossRestarts(keepConnections)
                .httpHost(httpHost).httpPort(httpPort).integrations(WorkerCommand.settings(workers))).build();
        // Closed in reverse order: the cloud first, then the signal lets the JVM exit.
        try (ShutdownSignal signal = new ShutdownSignal(); cloud) {
            cloud.start();
            InetSocketAddress address = cloud.coapAddress();
            out.println("corral cloud listening on coaps://" + uriAuthority(address) + " (UDP)");
            out.println("HTTP API on http://" + uriAuthority(cloud.httpAddress())
                    + " (tokens: corral-cloud token create --data " + data.dir() + " --owner NAME)");
            out.println("integrations: " + workers + " workers, queue in " + data.dir().resolve(
                    SqliteIntegrationDatabase.DATABASE_FILE));
            out.println("status page on http://" + uriAuthority(cloud.httpAddress()) + "/status; "
                    + alerting.describe());
            out.println("cloud public key: " + Base64.getEncoder().encodeToString(cloud.publicKeySpki()));
            out.println("metrics on http://" + uriAuthority(cloud.httpAddress()) + "/metrics (Prometheus text)");
            out.println("stop with Ctrl-C or SIGTERM");
            out.flush();
            signal.await();
            log.info("stopping");
        }
        out.println("stopped");
        return CloudCli.EXIT_OK;
    }

    /** host:port as a URI writes it: IPv6 literals in brackets. */
    private static String uriAuthority(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
