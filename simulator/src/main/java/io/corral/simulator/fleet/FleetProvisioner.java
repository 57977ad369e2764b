package io.corral.simulator.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.device.DeviceCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Provisions a fleet through the cloud's HTTP API ({@code POST /v1/devices/bulk}), in batches.
 *
 * <p>For raw-public-key devices the key pairs are made here, in parallel over every core, and only the public
 * keys travel: the cloud answers with credential files that lack the private key, which is added here. PSK
 * devices get their keys from the cloud.
 */
public final class FleetProvisioner {
    /** The API takes up to 50,000 per request; smaller batches keep each transaction and answer modest. */
    public static final int DEFAULT_BATCH = 2000;

    private final URI cloud;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param cloud the HTTP API's base, for example {@code http://127.0.0.1:8080} */
    public FleetProvisioner(URI cloud, String token) {
        this.cloud = cloud;
        this.token = token;
    }

    /**
     * Provisions {@code count} devices and writes the fleet to {@code out}.
     *
     * @param psk      PSK devices instead of raw public keys
     * @param coapHost the host the credentials send devices to, or null for the API's host
     * @param progress where a line per batch goes
     * @throws IOException if the API cannot be reached or refuses, with its error in the message
     */
    public Fleet provision(int count, boolean psk, int batch, String coapHost, Path out, PrintWriter progress)
            throws IOException, InterruptedException {
        List<DeviceCredentials> credentials = new ArrayList<>(count);
        String owner = null;
        for (int from = 0; from < count; from += batch) {
            int size = Math.min(batch, count - from);
            List<KeyPair> keys = psk ? null : IntStream.range(0, size).parallel().mapToObj(i -> p256()).toList();
            ObjectNode body = Fleet.JSON.createObjectNode();
            body.put("auth", psk ? "psk" : "rpk");
            body.put("name_prefix", "sim-" + (from / batch + 1) + "-");
            if (coapHost != null) {
                body.put("cloud_host", coapHost);
            }
            if (psk) {
                body.put("count", size);
            } else {
                ArrayNode devices = body.putArray("devices");
                for (KeyPair pair : keys) {
                    devices.addObject().put("public_key",
                            Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
                }
            }
            JsonNode answer = post("/v1/devices/bulk", body);
            owner = answer.path("owner").asText();
            JsonNode provisioned = answer.path("devices");
            for (int i = 0; i < provisioned.size(); i++) {
                ObjectNode file = (ObjectNode) provisioned.get(i).path("credentials");
                if (!psk) {
                    file.put("private_key", Base64.getEncoder().encodeToString(keys.get(i).getPrivate().getEncoded()));
                }
                credentials.add(DeviceCredentials.fromJson(file.toString()));
            }
            progress.printf("provisioned %d/%d%n", credentials.size(), count);
            progress.flush();
        }
        DeviceCredentials first = credentials.get(0);
        FleetManifest manifest = new FleetManifest(FleetManifest.FORMAT, cloud.toString(), first.cloudHost(),
                first.cloudPort(), first.cloudPublicKeySpki() == null ? null
                : Base64.getEncoder().encodeToString(first.cloudPublicKeySpki()), owner, credentials.size(),
                Instant.now().toString());
        Fleet.write(out, manifest, credentials);
        return Fleet.load(out);
    }

    private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(cloud.resolve(path)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("no cloud API answers at " + cloud + " (" + e.getMessage()
                    + "); is the cloud running with its HTTP API there?", e);
        }
        JsonNode json;
        try {
            json = Fleet.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("the cloud at " + cloud + " answered " + response.statusCode() + " with something "
                    + "that is not JSON; is that a Corral cloud API?", e);
        }
        if (response.statusCode() != 201) {
            throw new IOException("the cloud refused to provision devices: " + response.statusCode() + " "
                    + json.path("error").asText() + ": " + json.path("error_description").asText());
        }
        return json;
    }

    private static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys", e);
        }
    }
}
