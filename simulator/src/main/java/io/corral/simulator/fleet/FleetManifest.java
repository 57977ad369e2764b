package io.corral.simulator.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;
/**
 * What a fleet directory says about itself ({@value Fleet#MANIFEST}): where its cloud is, which key it pins, and
 * what it holds. The credentials themselves are in {@value Fleet#DEVICES}, one JSON object per line.
 *
 * @param cloudUrl       the cloud's HTTP API the fleet was provisioned through; {@code /metrics} is scraped there
 * @param cloudHost      where the devices' credentials send them (CoAP/DTLS)
 * @param cloudPort      the UDP port there
 * @param cloudPublicKey the cloud's public key the devices pin, base64 SubjectPublicKeyInfo
 * @param owner          the owner the devices belong to
 * @param devices        how many devices
 * @param createdAt      when the fleet was provisioned, ISO-8601
 */
public record FleetManifest(@JsonProperty("format") int format, @JsonProperty("cloud_url") String cloudUrl,
                            @JsonProperty("cloud_host") String cloudHost, @JsonProperty("cloud_port") int cloudPort,
                            @JsonProperty("cloud_public_key") String cloudPublicKey,
                            @JsonProperty("owner") String owner, @JsonProperty("devices") int devices,
                            @JsonProperty("created_at") String createdAt) {
    public static final int FORMAT = 1;
}
