package io.corral.cloud.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.Cloud;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
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
            // storage=memory: the lead wires it here once io.corral.cloud.storage.Storages is merged.
            throw new CommandFailure(CloudCli.EXIT_USAGE, "storage memory is not available to 'run' in this build; "
                    + "use sqlite:DIR (--data DIR)");
        }
        StorageOption.Initialised initialised = StorageOption.initialise(dataDir);
        if (initialised.created() && !json) {
            out.println("initialised " + dataDir);
        }
        Cloud cloud = setup.applyTo(Cloud.builder().dataDir(dataDir)).build();
        // Closed in reverse order: the cloud first, then the signal lets the JVM exit.
        try (ShutdownSignal signal = new ShutdownSignal(); cloud) {
            cloud.start();
            banner(out, setup, cloud, initialised.created());
            out.flush();
            signal.await();
            log.info("stopping");
        }
        if (!json) {
            out.println("stopped");
        }
        return CloudCli.EXIT_OK;
    }

    /** Version, addresses, public key, storage and admission mode: as text, or as one JSON line. */
    private void banner(PrintWriter out, CloudSetup setup, Cloud cloud, boolean initialised) throws Exception {
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
            out.println(JSON.writeValueAsString(line));
            return;
        }
        out.println(version);
        out.println("DTLS on " + dtls + " (UDP)");
        out.println("HTTP API on " + http + " (status page /status, metrics /metrics)");
        out.println("cloud public key: " + publicKey);
        out.println("storage: " + setup.storage());
        out.println("admission: " + admission);
        out.println("alerts: " + setup.alerting());
        out.println("stop with Ctrl-C or SIGTERM");
    }

    /** host:port as a URI writes it: IPv6 literals in brackets. */
    private static String uriAuthority(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
