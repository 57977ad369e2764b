package io.corral.cloud.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.Cloud;
import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.Storages;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral-cloud run}: runs the cloud in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "run", modelTransformer = CloudSetup.Flags.class,
        description = {"Runs the cloud until SIGTERM or Ctrl-C, then shuts it down cleanly.",
                "Initialises the data directory first if needed."},
        footer = {"%nEvery setting also has a key for --config FILE and an environment variable (CORRAL_ and the "
                + "key in upper case, with _ for . and -); a flag wins over the variable, the variable over the file. "
                + "Durations take a unit: 250ms, 5s, 2m, 1h. 'corral-cloud config show' lists every key, its value "
                + "and where it came from."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The owner of the admin token a {@code memory} cloud mints at start. */
    static final String MEMORY_ADMIN_OWNER = "admin";

    @Mixin
    private SettingsOptions settings;
    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print the start-up banner as one JSON line, for scripts.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CloudSetup setup = settings.setup(spec);
        Path dataDir = setup.dataDir();
        if (dataDir == null) {
            runInMemory(out, setup);
        } else {
            StorageOption.Initialised initialised = StorageOption.initialise(dataDir);
            if (initialised.created() && !json) {
                out.println("initialised " + dataDir);
            }
            serve(out, setup, setup.applyTo(Cloud.builder().dataDir(dataDir)).build(), initialised.created(), null);
        }
        if (!json) {
            out.println("stopped");
        }
        return CloudCli.EXIT_OK;
    }

    /**
     * {@code storage=memory}: nothing on disk, so no other process ({@code token create}, {@code device create})
     * can reach this cloud's registry. The banner therefore carries an admin token minted at start, the one way
     * in; provision devices and tokens through the API with it. Everything is gone when the cloud stops.
     */
    private void runInMemory(PrintWriter out, CloudSetup setup) throws Exception {
        try (Storage storage = Storages.open(setup.storage(), setup.integrations().queue())) {
            Cloud cloud = setup.applyTo(Cloud.builder().storage(storage)).build();
            serve(out, setup, cloud, true, () -> storage.tokens().create(MEMORY_ADMIN_OWNER, true, null).token());
        }
    }

    /** Starts the cloud, prints the banner, and serves until SIGTERM or Ctrl-C. */
    private void serve(PrintWriter out, CloudSetup setup, Cloud cloud, boolean initialised,
                       Supplier<String> adminToken) throws Exception {
        // Closed in reverse order: the cloud first, then the signal lets the JVM exit.
        try (ShutdownSignal signal = new ShutdownSignal(); cloud) {
            cloud.start();
            banner(out, setup, cloud, initialised, adminToken == null ? null : adminToken.get());
            out.flush();
            signal.await();
            log.info("stopping");
        }
    }

    /** Version, addresses, public key, storage and admission mode: as text, or as one JSON line. */
    private void banner(PrintWriter out, CloudSetup setup, Cloud cloud, boolean initialised, String adminToken)
            throws Exception {
        String version = spec.root().version()[0];
        String dtls = "coaps://" + uriAuthority(cloud.coapAddress());
        String http = "http://" + uriAuthority(cloud.httpAddress());
        String publicKey = Base64.getEncoder().encodeToString(cloud.publicKeySpki());
        String admission = setup.admission().mode().cliName();
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("version", version.substring(version.lastIndexOf(' ') + 1));
            line.put("dtls", dtls);
            line.put("dtls_port", cloud.coapAddress().getPort());
            line.put("http", http);
            line.put("http_port", cloud.httpAddress().getPort());
            line.put("public_key", publicKey);
            line.put("storage", setup.storage());
            line.put("admission", admission);
            line.put("initialised", initialised);
            if (adminToken != null) {
                line.put("admin_token", adminToken);
            }
            out.println(JSON.writeValueAsString(line));
            return;
        }
        out.println(version);
        out.println("DTLS on " + dtls + " (UDP)");
        out.println("HTTP API on " + http + " (status page /status, metrics /metrics)");
        out.println("cloud public key: " + publicKey);
        out.println("storage: " + setup.storage());
        out.println("admission: " + admission);
        if (adminToken != null) {
            out.println("admin token (owner " + MEMORY_ADMIN_OWNER + "; memory storage keeps nothing, so this is the "
                    + "way in): " + adminToken);
        }
        out.println("alerts: " + setup.alerting());
        out.println("stop with Ctrl-C or SIGTERM");
    }

    /** host:port as a URI writes it: IPv6 literals in brackets. */
    private static String uriAuthority(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
