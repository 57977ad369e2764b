package io.corral.cloud.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults_page_for_every_data_loss_rule_and_ticket_for_the_others() {
        AlertConfig config = AlertConfig.defaults();

        assertThat(config.validate(false)).isEmpty();
        for (RuleId id : RuleId.values()) {
            assertThat(config.rule(id).route().pages()).as(id.key()).isEqualTo(id.defaultRoute() == Route.PAGE);
        }
        assertThat(config.rule(RuleId.EVENT_TRAFFIC_LOW).route()).isEqualTo(Route.TICKET);
        assertThat(config.rule(RuleId.ADMISSION_DEFERRING).holdFor()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.heartbeatTimeout).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.fdUtilisation).isEqualTo(0.8);
    }

    @Test
    void every_data_loss_rule_routed_away_from_page_or_disabled_is_refused_by_name() {
        for (RuleId id : RuleId.values()) {
            if (!id.guardsDataLoss()) {
                continue;
            }
            AlertConfig logged = AlertConfig.builder().route(id, Route.LOG).build();
            assertThatThrownBy(() -> logged.validate(false)).isInstanceOf(AlertConfigException.class)
                    .hasMessageContaining("'" + id.key() + "'").hasMessageContaining(id.key() + ".route=page");
            AlertConfig disabled = AlertConfig.builder().enabled(id, false).build();
            assertThatThrownBy(() -> disabled.validate(false)).hasMessageContaining("is disabled");
            assertThat(disabled.validate(true)).singleElement().asString().contains(id.key());
        }
    }

    @Test
    void a_non_data_loss_rule_may_go_anywhere() {
        AlertConfig config = AlertConfig.builder().route(RuleId.DEVICES_DROP, Route.TICKET)
                .route(RuleId.EVENT_TRAFFIC_LOW, Route.LOG).build();
        assertThat(config.validate(false)).isEmpty();
    }

    @Test
    void properties_file_sets_routes_and_thresholds() throws Exception {
        Path file = Files.writeString(dir.resolve("alerts.properties"), """
                evaluation-interval=2s
                worker-down.heartbeat-timeout=30s
                devices-drop.route=ticket
                devices-drop.fraction=20%
                event-traffic-low.for=15m
                file-descriptors.budget=4096
                """);
        AlertConfig config = AlertConfig.load(file);

        assertThat(config.evaluationInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.heartbeatTimeout).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.rule(RuleId.DEVICES_DROP).route()).isEqualTo(Route.TICKET);
        assertThat(config.devicesDropFraction).isEqualTo(0.2);
        assertThat(config.rule(RuleId.EVENT_TRAFFIC_LOW).holdFor()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.fdBudget).isEqualTo(4096);
    }

    @Test
    void unknown_keys_and_bad_values_are_refused_naming_the_key() {
        assertThatThrownBy(() -> AlertConfig.fromMap(Map.of("flow-imbalanse.route", "page")))
                .isInstanceOf(AlertConfigException.class).hasMessageContaining("unknown alert setting 'flow-imbalanse.route'");
        assertThatThrownBy(() -> AlertConfig.fromMap(Map.of("worker-down.heartbeat-timeout", "15 seconds")))
                .hasMessageContaining("'worker-down.heartbeat-timeout'='15 seconds'");
        assertThatThrownBy(() -> AlertConfig.fromMap(Map.of("flow-imbalance.route", "pager")))
                .hasMessageContaining("route must be page, ticket or log");
        assertThatThrownBy(() -> AlertConfig.fromMap(Map.of("file-descriptors.utilisation", "1.5")))
                .hasMessageContaining("file-descriptors.utilisation must be in (0, 1), was 1.5");
        assertThatThrownBy(() -> AlertConfig.builder().evaluationInterval(Duration.ofMillis(10)).build())
                .hasMessageContaining("evaluation-interval must be in [PT0.1S, PT5M], was PT0.01S");
    }
}
