package io.corral.cloud.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.queue.QueuedDelivery;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code corral-cloud integration dead-letters}: deliveries given up on, which {@code replay} sends again. */
@Command(name = "dead-letters", description = "Lists an integration's dead letters, newest first; replay sends them again.")
final class IntegrationDeadLettersCommand extends SingleIntegrationCommand {
    @Mixin
    private ListingOptions listing;

    /** One dead letter as {@code --json} prints it. */
    record Listed(long id, String eventId, String eventName, String deviceId, int attempts, String deadAt,
                  Integer lastStatus, String lastError) {
    }

    @Override
    void validate() {
        listing.limit();
    }

    @Override
    void run(Storage storage, Integration integration, PrintWriter out) throws JsonProcessingException {
        List<QueuedDelivery> dead = storage.deliveryQueue().deadLetters(integration.id(), listing.limit());
        if (listing.json) {
            out.println(TokenListCommand.JSON.writeValueAsString(dead.stream().map(d -> new Listed(d.id(), d.eventId(),
                    d.eventName(), d.deviceId(), d.failures(), d.deadAt().toString(), d.lastStatus(), d.lastError()))
                    .toList()));
            return;
        }
        if (dead.isEmpty()) {
            out.println("no dead letters");
            return;
        }
        String format = "%8s  %-20s  %-16s  %-24s  %5s  %s";
        out.println(String.format(format, "DELIVERY", "DEAD SINCE", "EVENT ID", "EVENT", "TRIES", "LAST ERROR"));
        for (QueuedDelivery d : dead) {
            out.println(String.format(format, d.id(), d.deadAt().truncatedTo(ChronoUnit.SECONDS), d.eventId(),
                    d.eventName(), d.failures(), d.lastError() == null ? "" : d.lastError()).stripTrailing());
        }
    }
}
