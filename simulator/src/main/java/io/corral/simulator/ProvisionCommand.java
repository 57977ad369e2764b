package io.corral.simulator;

import io.corral.simulator.fleet.Fleet;
import io.corral.simulator.fleet.FleetProvisioner;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code corral-sim provision}: a fleet of N devices, registered in bulk through the cloud's API. */
@Command(name = "provision", description = {"Provisions N devices in bulk through the cloud's HTTP API and writes "
        + "the fleet directory.", "RPK key pairs are made here, in parallel; only public keys travel."})
final class ProvisionCommand implements Callable<Integer> {
    static final int MAX_DEVICES = 1_000_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--devices", paramLabel = "N", required = true, description = "How many, in [1, 1000000].")
    private int devices;

    @Option(names = "--cloud", paramLabel = "URL", required = true,
            description = "The cloud's HTTP API, for example http://127.0.0.1:8080.")
    private URI cloud;

    @Option(names = "--token", paramLabel = "TOKEN", required = true,
            description = "An access token of the owner the devices will belong to (corral-cloud token create).")
    private String token;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "The fleet directory to write.")
    private Path out;

    @Option(names = "--auth", paramLabel = "KIND", defaultValue = "rpk",
            description = "rpk (raw public keys, the default) or psk.")
    private String auth;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + FleetProvisioner.DEFAULT_BATCH,
            description = "Devices per API request, in [1, 50000] (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--coap-host", paramLabel = "HOST",
            description = "The host the credentials send devices to (default: the API's host).")
    private String coapHost;

    @Override
    public Integer call() throws Exception {
        if (devices < 1 || devices > MAX_DEVICES) {
            throw new ParameterException(spec.commandLine(), "--devices must be in [1, " + MAX_DEVICES + "], was "
                    + devices);
        }
        if (batch < 1 || batch > 50_000) {
            throw new ParameterException(spec.commandLine(), "--batch must be in [1, 50000], was " + batch);
        }
        if (!auth.equals("rpk") && !auth.equals("psk")) {
            throw new ParameterException(spec.commandLine(), "--auth must be rpk or psk, was '" + auth + "'");
        }
        if (cloud.getScheme() == null || !cloud.getScheme().startsWith("http") || cloud.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--cloud must be an http:// or https:// URL of the "
                    + "cloud's API, like http://127.0.0.1:8080, was '" + cloud + "'");
        }
        PrintWriter progress = spec.commandLine().getErr();
        long started = System.nanoTime();
        Fleet fleet = new FleetProvisioner(cloud, token).provision(devices, auth.equals("psk"), batch, coapHost,
                out, progress);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("provisioned %d %s devices for owner %s in %.1f s; fleet in %s (devices at %s:%d)%n",
                fleet.size(), auth, fleet.manifest().owner(), (System.nanoTime() - started) / 1e9, out,
                fleet.manifest().cloudHost(), fleet.manifest().cloudPort());
        stdout.flush();
        return SimulatorCli.EXIT_OK;
    }
}
