package io.corral.cloud.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.storage.Storage;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code corral-cloud integration show}: one integration's settings (passwords hidden) and queue, as JSON. */
@Command(name = "show", description = "Shows an integration's settings (passwords hidden) and its queue, as JSON.")
final class IntegrationShowCommand extends SingleIntegrationCommand {
    @Override
    void run(Storage storage, Integration integration, PrintWriter out) throws JsonProcessingException {
        out.println(IntegrationListCommand.JSON.writeValueAsString(
                IntegrationJson.toJson(integration, storage.deliveryQueue().counts(integration.id()))));
    }
}
