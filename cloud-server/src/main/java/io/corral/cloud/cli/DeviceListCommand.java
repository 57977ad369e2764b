package io.corral.cloud.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.corral.cloud.registry.DeviceRecord;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral-cloud device list}: the registered devices, for people or, with {@code --json}, for scripts. */
@Command(name = "list",
        description = {"Lists registered devices, of one owner or of all. Secrets are never printed."})
final class DeviceListCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    private StorageOption data;
    @Spec
    private CommandSpec spec;

    @Option(names = "--owner", paramLabel = "NAME", description = "Only this owner's devices.")
    private String owner;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    private boolean json;

    /** One device as {@code --json} prints it; times are ISO-8601 UTC, null when never seen. */
    record Listed(String id, String owner, String name, String auth, String publicKey, String created,
                  String lastSeen) {
    }

    @Override
    public Integer call() throws JsonProcessingException {
        List<DeviceRecord> devices = new ArrayList<>();
        try (Storage storage = data.openInitialised()) {
            DeviceRegistry registry = storage.registry();
            if (owner != null) {
                devices.addAll(registry.listByOwner(owner));
                if (devices.isEmpty() && !registry.owners().contains(owner)) {
                    throw new CommandFailure(CloudCli.EXIT_STATE, "unknown owner '" + owner + "'");
                }
            } else {
                registry.owners().forEach(o -> devices.addAll(registry.listByOwner(o)));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writeValueAsString(devices.stream().map(DeviceListCommand::listed).toList()));
        } else {
            printTable(out, devices);
        }
        return CloudCli.EXIT_OK;
    }

    private static Listed listed(DeviceRecord d) {
        return new Listed(d.id(), d.owner(), d.name(), d.credentialType().name().toLowerCase(Locale.ROOT),
                d.publicKeySpki() == null ? null : Base64.getEncoder().encodeToString(d.publicKeySpki()),
                d.created().toString(), d.lastSeen() == null ? null : d.lastSeen().toString());
    }

    private static void printTable(PrintWriter out, List<DeviceRecord> devices) {
        if (devices.isEmpty()) {
            out.println("no devices");
            return;
        }
        int ownerWidth = Math.max("OWNER".length(), devices.stream().mapToInt(d -> d.owner().length()).max().orElse(0));
        String format = "%-24s  %-" + ownerWidth + "s  %-4s  %-20s  %-20s  %s";
        out.println(String.format(format, "ID", "OWNER", "AUTH", "CREATED", "LAST SEEN", "NAME"));
        for (DeviceRecord d : devices) {
            String row = String.format(format, d.id(), d.owner(), d.credentialType().name().toLowerCase(Locale.ROOT),
                    seconds(d.created()), d.lastSeen() == null ? "never" : seconds(d.lastSeen()),
                    d.name() == null ? "" : d.name());
            out.println(row.stripTrailing());
        }
    }

    private static String seconds(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
