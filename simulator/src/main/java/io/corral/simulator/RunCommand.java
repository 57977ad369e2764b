package io.corral.simulator;

import io.corral.device.DeviceCredentials;
import io.corral.simulator.fleet.Fleet;
import io.corral.simulator.report.HtmlReport;
import io.corral.simulator.report.SummaryTable;
import io.corral.simulator.run.FleetRun;
import io.corral.simulator.run.ManagedCloud;
import io.corral.simulator.run.OutageKind;
import io.corral.simulator.run.RunResult;
import io.corral.simulator.run.RunSettings;
import io.corral.simulator.run.Scenario;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code corral-sim run}: one scenario with a provisioned fleet; a summary on stdout, JSON and HTML on request. */
@Command(name = "run", sortOptions = false,
        description = {"Runs a scenario with a fleet against its cloud and reports what happened.",
                "  ramp        connect at --ramp-rate devices per second",
                "  cold-start  every device powers on at once",
                "  herd        connect, settle, an outage of --outage-duration, heal; measures the recovery",
                "  steady      connect, then publishes from every device and API calls for --duration"})
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--fleet", paramLabel = "DIR", required = true, description = "The fleet directory (from provision).")
    private Path fleetDir;

    @Option(names = "--scenario", paramLabel = "NAME", required = true, converter = Converters.ScenarioValue.class,
            description = "ramp, steady, herd or cold-start.")
    private Scenario scenario;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "0",
            description = "How many of the fleet's devices take part; 0 (the default) for all.")
    private int devices;

    @Option(names = "--auth", paramLabel = "KIND", converter = Converters.AuthValue.class,
            description = "Only the fleet's rpk or psk devices (default: all).")
    private DeviceCredentials.Auth auth;

    @Option(names = "--resume", paramLabel = "on|off", defaultValue = "on", converter = Converters.OnOff.class,
            description = "Whether devices resume their DTLS sessions; off models devices that lost their state "
                    + "(default: on).")
    private Converters.Toggle resume;

    @Option(names = "--ramp-rate", paramLabel = "PER_SECOND", defaultValue = "500",
            description = "Devices started per second while connecting, in [0, 100000]; 0 starts all at once "
                    + "(default: ${DEFAULT-VALUE}).")
    private double rampRate;

    @Option(names = "--outage", paramLabel = "KIND", defaultValue = "network", converter = Converters.OutageValue.class,
            description = {"herd: network (every datagram dropped both ways, devices notice by keepalive) or",
                    "restart (the cloud of --cloud-command is stopped with SIGTERM and started again). Default: network."})
    private OutageKind outage;

    @Option(names = "--outage-duration", paramLabel = "DURATION", defaultValue = "30s",
            converter = Converters.DurationValue.class, description = "herd: how long, in [1s, 1h] (default: 30s).")
    private Duration outageDuration;

    @Option(names = "--keepalive", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationValue.class,
            description = "Device keepalive ping interval, in [1s, 1h] (default: 10s).")
    private Duration keepalive;

    @Option(names = "--ping-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = Converters.DurationValue.class,
            description = "How long a ping may go unanswered, in [100ms, 1m] (default: 5s).")
    private Duration pingTimeout;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Converters.DurationValue.class,
            description = "How long one DTLS handshake may take, in [1s, 10m] (default: 30s).")
    private Duration handshakeTimeout;

    @Option(names = "--backoff-base", paramLabel = "DURATION", defaultValue = "1s",
            converter = Converters.DurationValue.class,
            description = "Reconnect backoff base (full jitter), in [10ms, 1h] (default: 1s).")
    private Duration backoffBase;

    @Option(names = "--backoff-cap", paramLabel = "DURATION", defaultValue = "60s",
            converter = Converters.DurationValue.class,
            description = "Reconnect backoff ceiling, in [--backoff-base, 24h] (default: 60s).")
    private Duration backoffCap;

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "5s", converter = Converters.DurationValue.class,
            description = "herd: how long every device stays connected before the outage (default: 5s).")
    private Duration settle;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10m",
            converter = Converters.DurationValue.class,
            description = "How long connecting the fleet may take before the run fails (default: 10m).")
    private Duration connectTimeout;

    @Option(names = "--recovery-timeout", paramLabel = "DURATION", defaultValue = "10m",
            converter = Converters.DurationValue.class,
            description = "herd: how long after the heal to wait for every device (default: 10m).")
    private Duration recoveryTimeout;

    @Option(names = "--drain", paramLabel = "DURATION", defaultValue = "35s", converter = Converters.DurationValue.class,
            description = "How long to wait for the cloud's handshakes in flight to end, so abandoned ones are "
                    + "counted (default: 35s).")
    private Duration drain;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s",
            converter = Converters.DurationValue.class, description = "steady: how long the load lasts (default: 60s).")
    private Duration duration;

    @Option(names = "--publish-interval", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationValue.class,
            description = "steady: each device publishes this often, in [100ms, 1h] (default: 10s).")
    private Duration publishInterval;

    @Option(names = "--call-rate", paramLabel = "PER_SECOND", defaultValue = "10",
            description = "steady: function calls per second through the API, in [0, 10000]; needs --token "
                    + "(default: 10).")
    private double callRate;

    @Option(names = "--token", paramLabel = "TOKEN", description = "steady: an access token of the fleet's owner, "
            + "for the API calls.")
    private String token;

    @Option(names = "--source-addresses", paramLabel = "N", defaultValue = "0",
            description = "Loopback source addresses (127.0.x.y) the devices spread over, in [0, 1000]; 0 for up "
                    + "to 250 (default).")
    private int sourceAddresses;

    @Option(names = "--executor-threads", paramLabel = "N", defaultValue = "0",
            description = "Platform threads of the shared device executor, in [0, 256]; 0 for one per core.")
    private int executorThreads;

    @Option(names = "--cloud-url", paramLabel = "URL",
            description = "The cloud's HTTP API, for /metrics and calls (default: the fleet's).")
    private URI cloudUrl;

    @Option(names = "--cloud-command", paramLabel = "COMMAND",
            description = "Run the cloud with this shell command for the run's length; --outage restart stops it "
                    + "(SIGTERM) and runs it again.")
    private String cloudCommand;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every figure and per-second series as JSON.")
    private Path json;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Write an HTML report with charts.")
    private Path report;

    @Option(names = {"-q", "--quiet"}, description = "No progress line.")
    private boolean quiet;

    @Override
    public Integer call() throws Exception {
        RunSettings settings;
        try {
            settings = RunSettings.builder(scenario).devices(devices).auth(auth).resume(resume.on()).rampRate(rampRate)
                    .keepalive(keepalive).pingTimeout(pingTimeout).handshakeTimeout(handshakeTimeout)
                    .backoff(backoffBase, backoffCap).outage(outage, outageDuration).settle(settle)
                    .connectTimeout(connectTimeout).recoveryTimeout(recoveryTimeout).drain(drain)
                    .steady(duration, publishInterval, callRate).token(token).sourceAddresses(sourceAddresses)
                    .executorThreads(executorThreads).cloudUrl(cloudUrl).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Fleet fleet;
        try {
            fleet = Fleet.load(fleetDir);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--fleet: " + e.getMessage(), e);
        }
        FleetRun run;
        try {
            run = new FleetRun(fleet, settings);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        run.observer(new ProgressLine(err, quiet));
        ManagedCloud managed = null;
        if (cloudCommand != null) {
            URI api = cloudUrl != null ? cloudUrl : URI.create(fleet.manifest().cloudUrl());
            Path log = (json != null ? json.toAbsolutePath().getParent() : Path.of(".")).resolve("cloud.log");
            managed = new ManagedCloud(cloudCommand, api, log);
            managed.start();
            run.cloudControl(managed);
        }
        RunResult result;
        try {
            result = run.run();
        } finally {
            if (managed != null) {
                managed.close();
            }
        }
        if (!quiet) {
            err.println();
        }
        out.print(SummaryTable.text(List.of(result), List.of(scenario.cliName())));
        if (json != null) {
            result.write(json);
            out.println("JSON: " + json);
        }
        if (report != null) {
            HtmlReport.write(report, List.of(result), List.of(runName(result)));
            out.println("report: " + report);
        }
        out.flush();
        return SimulatorCli.EXIT_OK;
    }

    static String runName(RunResult result) {
        return result.scenario() + " (admission " + (result.cloud().admissionMode() == null ? "?"
                : result.cloud().admissionMode()) + ")";
    }

    /** connected/target, handshakes and deferrals per second: on one line on a terminal, every 5 s elsewhere. */
    private static final class ProgressLine implements FleetRun.Observer {
        private final PrintWriter err;
        private final boolean quiet;
        private final boolean terminal = System.console() != null;
        private long printed;

        ProgressLine(PrintWriter err, boolean quiet) {
            this.err = err;
            this.quiet = quiet;
        }

        @Override
        public void onSecond(FleetRun.Progress p) {
            if (quiet) {
                return;
            }
            String line = String.format(Locale.ROOT, "%7.1fs  %-22s connected %,d/%,d  handshakes/s %,d  deferred/s %,d",
                    p.seconds(), p.phase(), p.connected(), p.devices(), p.handshakesPerSecond(),
                    p.deferredPerSecond());
            if (terminal) {
                err.print("\r" + line + "   ");
                err.flush();
            } else if (p.seconds() - printed >= 5) {
                printed = (long) p.seconds();
                err.println(line);
                err.flush();
            }
        }
    }
}
