package io.corral.simulator;

import io.corral.cloud.config.PicocliSettings;
import io.corral.cloud.config.SettingException;
import io.corral.cloud.config.SettingValues;
import io.corral.simulator.fleet.Fleet;
import io.corral.simulator.report.HtmlReport;
import io.corral.simulator.report.SummaryTable;
import io.corral.simulator.run.FleetRun;
import io.corral.simulator.run.ManagedCloud;
import io.corral.simulator.run.RunResult;
import io.corral.simulator.run.RunSettings;
import io.corral.simulator.run.Scenario;
import io.corral.simulator.run.SimKeys;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code corral-sim run}: one scenario with a provisioned fleet; a summary on stdout, JSON and HTML on request. */
@Command(name = "run", sortOptions = false, modelTransformer = RunCommand.Flags.class,
        description = {"Runs a scenario with a fleet against its cloud and reports what happened.",
                "  ramp        connect at --ramp-rate devices per second",
                "  cold-start  every device powers on at once",
                "  herd        connect, settle, an outage of --outage-duration, heal; measures the recovery",
                "  steady      connect, then publishes from every device and API calls for --duration"},
        footer = {"%nEvery setting from --devices on also has a key in the settings file (the flag without the "
                + "dashes) and an environment variable (CORRAL_SIM_ and the key in upper case, with _ for -); a flag "
                + "wins over the variable, the variable over the file. Durations take a unit: 250ms, 5s, 2m, 1h."})
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--fleet", paramLabel = "DIR", required = true, description = "The fleet directory (from provision).")
    private Path fleetDir;

    @Option(names = "--scenario", paramLabel = "NAME", required = true, converter = Converters.ScenarioValue.class,
            description = "ramp, steady, herd or cold-start.")
    private Scenario scenario;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file (Java properties; the keys are the flags below without the dashes, such as "
                    + "ramp-rate=200). Flags and CORRAL_SIM_* environment variables win over it.")
    private Path config;

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

    /** Adds an option for each setting of {@link SimKeys}. */
    static final class Flags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            PicocliSettings.addOptions(spec, SimKeys.CATALOGUE);
            return spec;
        }
    }

    @Override
    public Integer call() throws Exception {
        SettingValues values;
        RunSettings settings;
        try {
            values = SettingValues.resolve(SimKeys.CATALOGUE,
                    PicocliSettings.given(spec.commandLine().getParseResult(), SimKeys.CATALOGUE),
                    SimulatorCli.environment(spec), config);
        } catch (SettingException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            settings = RunSettings.builder(scenario).devices(values.get(SimKeys.DEVICES)).auth(values.get(SimKeys.AUTH))
                    .resume(values.get(SimKeys.RESUME)).rampRate(values.get(SimKeys.RAMP_RATE))
                    .keepalive(values.get(SimKeys.KEEPALIVE)).pingTimeout(values.get(SimKeys.PING_TIMEOUT))
                    .handshakeTimeout(values.get(SimKeys.HANDSHAKE_TIMEOUT))
                    .backoff(values.get(SimKeys.BACKOFF_BASE), values.get(SimKeys.BACKOFF_CAP))
                    .outage(values.get(SimKeys.OUTAGE), values.get(SimKeys.OUTAGE_DURATION))
                    .settle(values.get(SimKeys.SETTLE)).connectTimeout(values.get(SimKeys.CONNECT_TIMEOUT))
                    .recoveryTimeout(values.get(SimKeys.RECOVERY_TIMEOUT)).drain(values.get(SimKeys.DRAIN))
                    .steady(values.get(SimKeys.DURATION), values.get(SimKeys.PUBLISH_INTERVAL),
                            values.get(SimKeys.CALL_RATE))
                    .token(values.get(SimKeys.TOKEN)).sourceAddresses(values.get(SimKeys.SOURCE_ADDRESSES))
                    .executorThreads(values.get(SimKeys.EXECUTOR_THREADS)).cloudUrl(values.get(SimKeys.CLOUD_URL))
                    .build();
        } catch (SettingException e) {
            throw new ParameterException(spec.commandLine(), values.explain(e), e);
        }
        URI cloudUrl = settings.cloudUrl();
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
