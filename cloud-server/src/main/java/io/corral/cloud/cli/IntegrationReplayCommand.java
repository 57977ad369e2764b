package io.corral.cloud.cli;

import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corral-cloud integration replay}: dead letters back into the queue, with a fresh retry window. */
@Command(name = "replay", description = "Puts one dead letter (--delivery N) or all (--all) back into the queue.")
final class IntegrationReplayCommand extends SingleIntegrationCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    private Which which;

    static final class Which {
        @Option(names = "--delivery", paramLabel = "N", description = "The dead letter's delivery number.")
        Long delivery;

        @Option(names = "--all", description = "Every dead letter of the integration.")
        boolean all;
    }

    @Override
    void run(Storage storage, Integration integration, PrintWriter out) {
        int replayed;
        if (which.all) {
            replayed = storage.deliveryQueue().replayAll(integration.id());
        } else {
            storage.deliveryQueue().replay(integration.id(), which.delivery);
            replayed = 1;
        }
        out.println("replayed " + replayed + " dead letter" + (replayed == 1 ? "" : "s") + " of " + integration.id());
    }
}
