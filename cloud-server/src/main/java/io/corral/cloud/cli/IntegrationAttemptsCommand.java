package io.corral.cloud.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code corral-cloud integration attempts}: the latest tries, with status, latency and error. */
@Command(name = "attempts", description = {"Shows an integration's latest delivery attempts: every failure, and",
        "successes (at most 10 a second are logged)."})
final class IntegrationAttemptsCommand extends SingleIntegrationCommand {
    @Mixin
    private ListingOptions listing;

    /** One attempt as {@code --json} prints it. */
    record Listed(long deliveryId, String eventId, int attempt, String at, String outcome, Integer status,
                  long latencyMs, String error) {
    }

    @Override
    void validate() {
        listing.limit();
    }

    @Override
    void run(Storage storage, Integration integration, PrintWriter out) throws JsonProcessingException {
        List<Attempt> attempts = storage.deliveryQueue().recentAttempts(integration.id(), listing.limit());
        if (listing.json) {
            out.println(TokenListCommand.JSON.writeValueAsString(attempts.stream().map(a -> new Listed(a.deliveryId(),
                    a.eventId(), a.attempt(), a.at().toString(), a.outcome().name().toLowerCase(Locale.ROOT),
                    a.status(), a.latency().toMillis(), a.error())).toList()));
            return;
        }
        if (attempts.isEmpty()) {
            out.println("no attempts yet");
            return;
        }
        String format = "%-24s  %-9s  %8s  %3s  %6s  %7s  %s";
        out.println(String.format(format, "AT", "OUTCOME", "DELIVERY", "TRY", "STATUS", "MS", "ERROR"));
        for (Attempt a : attempts) {
            out.println(String.format(format, a.at().truncatedTo(ChronoUnit.MILLIS), a.outcome().name()
                            .toLowerCase(Locale.ROOT), a.deliveryId(), a.attempt(), a.status() == null ? "-" : a.status(),
                    a.latency().toMillis(), a.error() == null ? "" : a.error()).stripTrailing());
        }
    }
}
