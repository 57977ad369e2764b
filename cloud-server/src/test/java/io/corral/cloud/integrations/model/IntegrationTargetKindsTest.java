package io.corral.cloud.integrations.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind of integration target: registered for JSON, through which it round-trips, and stored whole. */
class IntegrationTargetKindsTest {

    /** One target of each kind with every setting away from its default, so a dropped setting shows. */
    private static List<IntegrationTarget> everyKind() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("t", "{{PARTICLE_EVENT_VALUE}}");
        return List.of(
                WebhookSettings.builder().url("https://example.com/in/{{PARTICLE_DEVICE_ID}}").method("PUT")
                        .header("X-Key", "k").query("src", "{{PARTICLE_DEVICE_ID}}").json(body)
                        .basicAuth("user", "secret").responseTopic("answers/{{PARTICLE_EVENT_NAME}}")
                        .errorTopic("errors/{{PARTICLE_EVENT_NAME}}").timeout(Duration.ofMillis(2500)).build(),
                MqttSettings.builder().broker("tcp://broker.example:1884").clientId("c1").credentials("u", "secret")
                        .topic("corral/{{PARTICLE_EVENT_NAME}}").payload("{{PARTICLE_EVENT_VALUE}}").qos(2)
                        .retain(true).build());
    }

    private static IntegrationSpec spec(IntegrationTarget target) {
        return IntegrationSpec.builder().name("to " + target.type()).eventPrefix("temp")
                .deviceFilter("0123456789abcdef01234567").enabled(false).target(target).build();
    }

    @Test
    void every_kind_the_sealed_interface_permits_has_a_json_form_and_a_case_here() {
        List<Class<?>> permitted = Arrays.asList(IntegrationTarget.class.getPermittedSubclasses());
        assertThat(List.<Class<?>>copyOf(IntegrationJson.registeredTargets())).as("registered in IntegrationJson")
                .containsExactlyInAnyOrderElementsOf(permitted);
        assertThat(everyKind()).extracting(Object::getClass).as("covered by this test")
                .containsExactlyInAnyOrderElementsOf(permitted);
    }

    @Test
    void every_kind_round_trips_through_its_json() {
        for (IntegrationTarget target : everyKind()) {
            IntegrationSpec spec = spec(target);
            ObjectNode json = IntegrationJson.specJson(spec, false);
            assertThat(json.get("type").textValue()).isEqualTo(target.type());
            assertThat(json.has(target.type())).as("its settings under its type name").isTrue();
            IntegrationSpec parsed = IntegrationJson.parseSpec(json.toString());
            assertThat(parsed).as(target.type()).isEqualTo(spec);
            assertThat(parsed.target()).isInstanceOf(target.getClass());
        }
    }

    @Test
    void a_redacted_password_sent_back_keeps_the_stored_one_of_every_kind() {
        for (IntegrationTarget target : everyKind()) {
            IntegrationSpec stored = spec(target);
            ObjectNode shown = IntegrationJson.specJson(stored, true);
            assertThat(shown.toString()).as(target.type()).doesNotContain("secret")
                    .contains(IntegrationJson.REDACTED);
            assertThat(IntegrationJson.parseSpec(shown, stored)).as(target.type()).isEqualTo(stored);
            assertThat(IntegrationJson.parseSpec(shown, null)).as("nothing to keep when creating")
                    .isNotEqualTo(stored);
        }
    }

    @Test
    void a_kind_of_type_name_refuses_the_settings_of_every_other_kind() {
        List<IntegrationTarget> kinds = everyKind();
        for (IntegrationTarget target : kinds) {
            for (IntegrationTarget other : kinds) {
                if (other == target) {
                    continue;
                }
                ObjectNode json = IntegrationJson.specJson(spec(target), false);
                json.set(other.type(), IntegrationJson.specJson(spec(other), false).get(other.type()));
                assertThatThrownBy(() -> IntegrationJson.parseSpec(json.toString()))
                        .hasMessage(other.type() + ": must not be given for type '" + target.type() + "'");
            }
        }
    }

    @Test
    void an_mqtt_target_without_client_id_is_stored_with_one_that_updates_keep() {
        MqttSettings anonymous = MqttSettings.builder().broker("tcp://broker.example:1883").topic("t").build();
        IntegrationSpec created = spec(anonymous).storedFor("int_0011223344556677", null);
        assertThat(((MqttSettings) created.target()).clientId()).isEqualTo("corral-int_0011223344556677");

        IntegrationSpec updated = spec(MqttSettings.builder().broker("tcp://other.example:1883").topic("u").build())
                .storedFor("int_0011223344556677", spec(anonymous.withClientId("kept")));
        assertThat(((MqttSettings) updated.target()).clientId()).as("the client id in use").isEqualTo("kept");

        IntegrationSpec fromWebhook = spec(anonymous).storedFor("int_1",
                spec(WebhookSettings.builder().url("https://example.com/in").build()));
        assertThat(((MqttSettings) fromWebhook.target()).clientId()).isEqualTo("corral-int_1");

        IntegrationSpec explicit = spec(anonymous.withClientId("mine"));
        assertThat(explicit.storedFor("int_1", spec(anonymous.withClientId("kept")))).isSameAs(explicit);
    }

    @Test
    void a_target_with_nothing_to_fill_in_is_stored_as_given() {
        IntegrationSpec webhook = spec(WebhookSettings.builder().url("https://example.com/in").build());
        assertThat(webhook.storedFor("int_1", null)).isSameAs(webhook);
    }

    @Test
    void messages_list_the_type_names_as_registered() {
        assertThat(IntegrationJson.typeNames()).isEqualTo("'webhook' or 'mqtt'");
    }
}
