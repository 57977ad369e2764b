package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.DeviceRecord;
import io.corral.cloud.testkit.ApiClient.Response;
import io.corral.cloud.testkit.ApiClient;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/devices} and {@code POST /v1/devices/bulk}. */
class ProvisioningApiTest extends ApiCloudTest {
    private String alice;

    @BeforeEach
    void issueToken() {
        alice = cloud.token("alice");
    }

    private String cloudKey() {
        return Base64.getEncoder().encodeToString(cloud.cloud().publicKeySpki());
    }

    @Test
    void a_provisioned_rpk_device_gets_a_credential_file_that_connects() {
        Response created = api.post(alice, "/v1/devices", "{\"name\":\"porch\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode json = created.json();
        assertThat(json.get("name").asText()).isEqualTo("porch");
        assertThat(json.get("owner").asText()).isEqualTo("alice");
        JsonNode file = json.get("credentials");
        assertThat(file.get("device_id").asText()).isEqualTo(json.get("id").asText());
        assertThat(file.get("auth").asText()).isEqualTo("rpk");
        assertThat(file.get("cloud_host").asText()).isEqualTo("127.0.0.1");
        assertThat(file.get("cloud_port").asInt()).isEqualTo(cloud.cloud().coapAddress().getPort());
        assertThat(file.get("cloud_public_key").asText()).isEqualTo(cloudKey());
        Device device = cloud.device(DeviceCredentials.fromJson(file.toString()));
        device.connect();
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isTrue();
    }

    @Test
    void a_psk_device_gets_its_psk_and_a_cloud_host_may_be_named() {
        JsonNode file = api.post(alice, "/v1/devices", "{\"auth\":\"psk\",\"cloud_host\":\"corral.example\",\"cloud_port\":6000}")
                .json().get("credentials");

        assertThat(file.get("auth").asText()).isEqualTo("psk");
        assertThat(file.get("psk").asText()).hasSize(32);
        assertThat(file.get("cloud_host").asText()).isEqualTo("corral.example");
        assertThat(file.get("cloud_port").asInt()).isEqualTo(6000);
        DeviceRecord stored = cloud.cloud().registry().findById(file.get("device_id").asText()).orElseThrow();
        assertThat(stored.psk()).isEqualTo(file.get("psk").asText());
    }

    @Test
    void with_its_own_public_key_a_client_gets_credentials_without_a_private_key() {
        KeyPair keys = CloudKeys.generateP256();
        String publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());

        ObjectNode file = (ObjectNode) api.post(alice, "/v1/devices", "{\"public_key\":\"" + publicKey + "\"}")
                .json().get("credentials");

        assertThat(file.has("private_key")).isFalse();
        assertThat(file.get("public_key").asText()).isEqualTo(publicKey);
        file.put("private_key", Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()));
        Device device = cloud.device(DeviceCredentials.fromJson(file.toString()));
        device.connect();
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isTrue();
    }

    @Test
    void ten_thousand_devices_with_client_keys_are_provisioned_in_one_call() {
        List<KeyPair> keys = IntStream.range(0, 10_000).parallel().mapToObj(i -> CloudKeys.generateP256()).toList();
        ObjectNode request = ApiClient.JSON.createObjectNode().put("name_prefix", "sensor-");
        ArrayNode devices = request.putArray("devices");
        keys.forEach(k -> devices.addObject().put("public_key",
                Base64.getEncoder().encodeToString(k.getPublic().getEncoded())));

        Response created = api.post(alice, "/v1/devices/bulk", request.toString());

        assertThat(created.status()).as(created.body().substring(0, Math.min(300, created.body().length()))).isEqualTo(201);
        JsonNode fleet = created.json();
        assertThat(fleet.get("count").asInt()).isEqualTo(10_000);
        assertThat(fleet.get("devices")).hasSize(10_000);
        JsonNode last = fleet.get("devices").get(9_999);
        assertThat(last.get("name").asText()).isEqualTo("sensor-10000");
        assertThat(last.get("credentials").get("public_key").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(keys.get(9_999).getPublic().getEncoded()));
        assertThat(cloud.cloud().registry().listByOwner("alice")).hasSize(10_000);
    }

    @Test
    void ten_thousand_psk_devices_are_made_by_the_cloud_in_one_call() {
        Response created = api.post(alice, "/v1/devices/bulk", "{\"auth\":\"psk\",\"count\":10000}");

        assertThat(created.status()).isEqualTo(201);
        JsonNode devices = created.json().get("devices");
        assertThat(devices).hasSize(10_000);
        assertThat(devices.get(0).get("name").isNull()).isTrue();
        assertThat(devices.get(0).get("credentials").get("psk").asText()).hasSize(32);
        assertThat(cloud.cloud().registry().listByOwner("alice")).hasSize(10_000);
    }

    @Test
    void rpk_devices_made_by_the_cloud_get_key_pairs_and_numbered_names() {
        JsonNode devices = api.post(alice, "/v1/devices/bulk", "{\"count\":12,\"name_prefix\":\"lamp-\"}").json().get("devices");

        assertThat(devices).hasSize(12);
        assertThat(devices.get(0).get("name").asText()).isEqualTo("lamp-01");
        DeviceCredentials credentials = DeviceCredentials.fromJson(devices.get(11).get("credentials").toString());
        assertThat(credentials.privateKeyPkcs8()).isNotEmpty();
        Device device = cloud.device(credentials);
        device.connect();
        assertThat(cloud.cloud().sessions().isOnline(device.id())).isTrue();
    }

    @Test
    void bulk_requests_are_checked_before_anything_is_stored() {
        String key = Base64.getEncoder().encodeToString(CloudKeys.generateP256().getPublic().getEncoded());

        assertThat(api.post(alice, "/v1/devices/bulk", "{}").error(400, "invalid_request"))
                .isEqualTo("give either 'count' (the cloud makes the keys) or 'devices' (your public keys)");
        assertThat(api.post(alice, "/v1/devices/bulk", "{\"count\":1,\"devices\":[]}").error(400, "invalid_request"))
                .isEqualTo("give either 'count' (the cloud makes the keys) or 'devices' (your public keys), not both");
        assertThat(api.post(alice, "/v1/devices/bulk", "{\"count\":50001}").error(400, "invalid_request"))
                .isEqualTo("field 'count' must be in [1, 50000], was 50001");
        assertThat(api.post(alice, "/v1/devices/bulk", "{\"devices\":[{\"public_key\":\"" + key + "\"},{\"public_key\":\"%%%\"}]}")
                .error(400, "invalid_request"))
                .startsWith("field 'devices[1].public_key' must be base64 of a P-256 SubjectPublicKeyInfo (DER): ");
        assertThat(api.post(alice, "/v1/devices/bulk", "{\"devices\":[{\"public_key\":\"" + key + "\"},{\"name\":\"x\"}]}")
                .error(400, "invalid_request"))
                .isEqualTo("field 'devices[1].public_key' is required");
        assertThat(api.post(alice, "/v1/devices/bulk", "{\"devices\":[{\"public_key\":\"" + key + "\"},{\"public_key\":\"" + key + "\"}]}")
                .error(409, "conflict"))
                .isEqualTo("devices[1]: public key is the same as the one of devices[0]");
        assertThat(api.post(alice, "/v1/devices/bulk", "{\"count\":2,\"name_prefix\":\"" + "n".repeat(64) + "\"}")
                .error(400, "invalid_request"))
                .isEqualTo("field 'name_prefix' must be 1..63 characters, so that names numbered up to 2 fit in 64, was 64");
        assertThat(cloud.cloud().registry().listByOwner("alice")).isEmpty();
    }

    @Test
    void single_requests_name_the_bad_field() {
        assertThat(api.post(alice, "/v1/devices", "{\"auth\":\"x509\"}").error(400, "invalid_request"))
                .isEqualTo("field 'auth' must be 'rpk' or 'psk', was 'x509'");
        assertThat(api.post(alice, "/v1/devices", "{\"name\":\"" + "n".repeat(65) + "\"}").error(400, "invalid_request"))
                .startsWith("device name must be 1..64 characters without control characters, was 'nnn");
        assertThat(api.post(alice, "/v1/devices", "{\"public_key\":\"AAAA\"}").error(400, "invalid_request"))
                .startsWith("public key must be a P-256 SubjectPublicKeyInfo (DER): ");
        assertThat(api.post(alice, "/v1/devices", "{\"cloud_port\":0}").error(400, "invalid_request"))
                .isEqualTo("field 'cloud_port' must be in [1, 65535], was 0");
    }

    @Test
    void an_admin_token_provisions_for_another_owner() {
        String admin = cloud.adminToken("ops");

        Response created = api.post(admin, "/v1/devices/bulk", "{\"owner\":\"carol\",\"auth\":\"psk\",\"count\":3}");

        assertThat(created.json().get("owner").asText()).isEqualTo("carol");
        assertThat(cloud.cloud().registry().listByOwner("carol")).hasSize(3);
    }
}
