package io.corral.cloud.cli;

import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code corral-cloud integration update}: replaces an integration's settings; queued deliveries stay. */
@Command(name = "update", description = {"Replaces all settings of an integration (as PUT /v1/integrations/ID does).",
        "Queued deliveries stay and go out with the new settings. A password given as ******** keeps the stored one."})
final class IntegrationUpdateCommand extends SingleIntegrationCommand {
    @Mixin
    private IntegrationSpecOptions settings;

    @Override
    void run(Storage storage, Integration integration, PrintWriter out) {
        Integration updated = storage.integrations().update(integration.id(),
                IntegrationJson.parseSpec(settings.json(), integration.spec()));
        out.println("updated " + updated.id() + " (version " + updated.version() + ")");
    }
}
