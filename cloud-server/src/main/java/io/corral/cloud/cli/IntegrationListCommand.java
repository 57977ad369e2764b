package io.corral.cloud.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.queue.QueueCounts;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral-cloud integration list}: integrations with their state and queue, for people or scripts. */
@Command(name = "list", description = "Lists integrations, of one owner or of all, with their queued and dead deliveries.")
final class IntegrationListCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    private StorageOption data;
    @Spec
    private CommandSpec spec;

    @Option(names = "--owner", paramLabel = "NAME", description = "Only this owner's integrations.")
    private String owner;

    @Option(names = "--json", description = "Print a JSON array (as the REST API shows them) instead of a table.")
    private boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        try (Storage storage = data.openInitialised()) {
            List<Integration> integrations = owner == null ? storage.integrations().listAll() : storage.integrations().list(owner);
            if (json) {
                out.println(JSON.writeValueAsString(integrations.stream()
                        .map(i -> IntegrationJson.toJson(i, storage.deliveryQueue().counts(i.id()))).toList()));
                return CloudCli.EXIT_OK;
            }
            if (integrations.isEmpty()) {
                out.println("no integrations");
                return CloudCli.EXIT_OK;
            }
            String format = "%-20s  %-12s  %-7s  %-8s  %7s  %5s  %-16s  %s";
            out.println(String.format(format, "ID", "OWNER", "TYPE", "STATE", "QUEUED", "DEAD", "EVENT", "TARGET"));
            for (Integration i : integrations) {
                QueueCounts counts = storage.deliveryQueue().counts(i.id());
                out.println(String.format(format, i.id(), i.owner(), i.type(), state(i),
                        counts.pending() + counts.leased() + counts.paused(), counts.dead(),
                        "'" + i.spec().eventPrefix() + "'", i.spec().target()).stripTrailing());
            }
        }
        return CloudCli.EXIT_OK;
    }

    static String state(Integration i) {
        return i.paused() ? "paused" : i.spec().enabled() ? "enabled" : "disabled";
    }
}
