package io.corral.cloud.cli;

import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.storage.Storage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral-cloud integration create}: a webhook or MQTT integration of an owner. */
@Command(name = "create", description = {"Creates a webhook (--webhook URL) or MQTT (--mqtt BROKER) integration.",
        "Text settings are mustache templates over PARTICLE_EVENT_NAME, PARTICLE_EVENT_VALUE, PARTICLE_DEVICE_ID,",
        "PARTICLE_PUBLISHED_AT, PARTICLE_EVENT_ID (and CORRAL_* aliases). Prints the new integration's id."})
final class IntegrationCreateCommand implements Callable<Integer> {
    @Mixin
    private StorageOption data;
    @Mixin
    private IntegrationSpecOptions settings;
    @Spec
    private CommandSpec spec;

    @Option(names = "--owner", paramLabel = "NAME", required = true, description = "Owner whose events it sends.")
    private String owner;

    @Override
    public Integer call() {
        var json = settings.json();
        try (Storage storage = data.openInitialised()) {
            if (!storage.registry().owners().contains(owner)) {
                throw new CommandFailure(CloudCli.EXIT_STATE, "unknown owner '" + owner
                        + "'; owners come with their first device (corral-cloud device create)");
            }
            Integration created = storage.integrations().create(owner, IntegrationJson.parseSpec(json, null));
            spec.commandLine().getOut().println("created " + created.id() + ": " + created.owner() + "'s events '"
                    + created.spec().eventPrefix() + "...' -> " + created.spec().target());
        }
        return CloudCli.EXIT_OK;
    }
}
