package io.corral.cloud.cli;

import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral-cloud integration}: groups the integration subcommands. */
@Command(name = "integration", description = {"Creates, lists, changes and deletes webhook and MQTT integrations,",
        "and shows and replays what they delivered or failed to. A running cloud sees changes within a second."},
        subcommands = {IntegrationCreateCommand.class, IntegrationListCommand.class, IntegrationShowCommand.class,
                IntegrationUpdateCommand.class, IntegrationCommand.Delete.class, IntegrationCommand.Pause.class,
                IntegrationCommand.Resume.class, IntegrationAttemptsCommand.class,
                IntegrationDeadLettersCommand.class, IntegrationReplayCommand.class})
final class IntegrationCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CloudCli.EXIT_USAGE;
    }

    @Command(name = "delete", description = "Deletes an integration with its queued deliveries and dead letters.")
    static final class Delete extends SingleIntegrationCommand {
        @Override
        void run(Storage storage, Integration integration, PrintWriter out) {
            storage.integrations().delete(integration.id());
            out.println("deleted " + integration.id());
        }
    }

    @Command(name = "pause", description = "Holds an integration's deliveries in the queue; new events are still queued.")
    static final class Pause extends SingleIntegrationCommand {
        @Override
        void run(Storage storage, Integration integration, PrintWriter out) {
            storage.integrations().setPaused(integration.id(), true);
            out.println("paused " + integration.id() + " (" + storage.deliveryQueue().counts(integration.id()).paused()
                    + " deliveries held)");
        }
    }

    @Command(name = "resume", description = "Sends an integration's held deliveries and carries on.")
    static final class Resume extends SingleIntegrationCommand {
        @Override
        void run(Storage storage, Integration integration, PrintWriter out) {
            storage.integrations().setPaused(integration.id(), false);
            out.println("resumed " + integration.id());
        }
    }
}
