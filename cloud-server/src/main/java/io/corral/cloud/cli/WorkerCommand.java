package io.corral.cloud.cli;

import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code corral-cloud worker}: integration workers in a process of their own, on the same queue file as the
 * cloud. Any number of these and the cloud's own workers share the queue through leases; killing one loses
 * nothing, its leases go back to the others.
 */
@Command(name = "worker", description = {"Runs integration workers on a data dir's delivery queue until SIGTERM or Ctrl-C,",
        "next to a running cloud (run it with --workers 0 to leave all delivery to worker processes).",
        "Hook events (hook-sent, hook-response, hook-error) reach the cloud's devices through the queue."})
final class WorkerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

    @Mixin
    private StorageOption data;
    @Spec
    private CommandSpec spec;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = "Workers in this process, in [1, 64] (default: ${DEFAULT-VALUE}).")
    private int workers;

    /** Integration settings with {@code workers}, or a usage error naming the option. */
    static IntegrationSettings settings(int workers) {
        try {
            return IntegrationSettings.builder().workers(workers).build();
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, "--" + e.getMessage());
        }
    }

    /**
     * The SQLite file through which this process hands its hook events to the cloud's bus. Only SQLite storage
     * has such an outbox so far; memory storage is refused before this, as nothing outlives the process.
     */
    private SqliteIntegrationDatabase outbox(Storage storage) {
        if (storage instanceof SqliteStorage sqlite) {
            return sqlite.integrationDatabase();
        }
        throw new CommandFailure(CloudCli.EXIT_USAGE, "a worker process needs storage that hands hook events to"
                + " the cloud across processes; only sqlite:DIR does, was " + storage.describe());
    }

    @Override
    public Integer call() throws InterruptedException {
        if (workers == 0) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, "--workers must be in [1, 64] for a worker process, was 0");
        }
        IntegrationSettings settings = settings(workers);
        PrintWriter out = spec.commandLine().getOut();
        try (ShutdownSignal signal = new ShutdownSignal();
             Storage storage = data.openInitialised();
             Integrations integrations = Integrations.builder().queue(storage.deliveryQueue())
                     .store(storage.integrations()).settings(settings).hookPublisher(outbox(storage)::appendToOutbox)
                     .build()) {
            out.println("corral worker: " + workers + " workers on " + outbox(storage).file() + " (pid "
                    + ProcessHandle.current().pid() + ")");
            out.println("stop with Ctrl-C or SIGTERM");
            out.flush();
            signal.await();
            log.info("stopping; {} delivered, {} retried, {} dead-lettered", integrations.stats().delivered(),
                    integrations.stats().retried(), integrations.stats().deadLettered());
        }
        out.println("stopped");
        return CloudCli.EXIT_OK;
    }
}
