package io.corral.cloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.testkit.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunAlertingCliTest {
    @TempDir
    Path tmp;

    @Test
    void run_refuses_to_start_with_a_data_loss_rule_routed_to_a_ticket() throws Exception {
        Path config = Files.writeString(tmp.resolve("alerts.properties"), "worker-down.route=ticket\n");

        CliRun run = CliRun.corralCloud("run", "--data", tmp.resolve("data").toString(), "--coap-port", "0",
                "--http-port", "0", "--alert-config", config.toString());

        assertThat(run.exit()).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(run.err()).contains("alert rule 'worker-down' guards against data loss but is routed to"
                + " 'ticket', which does not page", "--allow-nonpaging-data-loss-alerts");
    }

    @Test
    void run_names_the_bad_key_of_an_alert_config() throws Exception {
        Path config = Files.writeString(tmp.resolve("alerts.properties"), "devices-drop.window=soon\n");

        CliRun run = CliRun.corralCloud("run", "--data", tmp.resolve("data").toString(), "--alert-config",
                config.toString());

        assertThat(run.exit()).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(run.err()).contains("'devices-drop.window'='soon'");
    }

    @Test
    void run_help_lists_the_alerting_options() {
        CliRun help = CliRun.corralCloud("run", "--help");
        assertThat(help.out()).contains("--page-url", "--ticket-url", "--alert-config",
                "--allow-nonpaging-data-loss-alerts", "--status-url");
    }
}
