package io.corral.cloud.api;

import static io.javalin.http.HandlerType.POST;

import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.DeviceRecord;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.DeviceRegistry.NewDevice;
import io.corral.protocol.CredentialFile;
import io.corral.protocol.DeviceIds;
import io.javalin.http.Context;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Provisioning: {@code POST /v1/devices} registers one device, {@code POST /v1/devices/bulk} a fleet of up to
 * {@value #MAX_BULK_DEVICES} in one transaction. The answer carries each device's credential file, the only time
 * the cloud ever hands out a device's secret.
 *
 * <p>A client may send its own public keys ({@code public_key}, or {@code devices[].public_key} in bulk): it then
 * makes the key pairs itself, in parallel if it likes, no private key ever travels, and the credentials it gets
 * back lack only the {@code private_key} it holds. Otherwise the cloud makes the keys (or PSKs).
 */
final class ProvisioningRoutes {
    static final int MAX_BULK_DEVICES = 50_000;
    /** The registry's limit on device names. */
    private static final int MAX_NAME_LENGTH = 64;
    private static final String RPK = "rpk";
    private static final String PSK = "psk";

    private final ApiBackend backend;
    private final String advertisedCoapHost;

    ProvisioningRoutes(ApiBackend backend, String advertisedCoapHost) {
        this.backend = backend;
        this.advertisedCoapHost = advertisedCoapHost;
    }

    void addTo(ApiServer.Routes routes) {
        routes.add(POST, "/v1/devices", this::provisionOne);
        routes.add(POST, "/v1/devices/bulk", this::provisionMany);
    }

    /** One provisioned device: its id and label, and its credential file. */
    record Provisioned(String id, String name, String owner, Map<String, Object> credentials) {
    }

    /** The answer of a bulk request, devices in the order of the request. */
    record ProvisionedFleet(String owner, int count, List<Provisioned> devices) {
    }

    /** Where credential files send devices. */
    private record CloudAddress(String host, int port, byte[] publicKey) {
    }

    private void provisionOne(Context ctx, Caller caller) {
        RequestBody body = RequestBody.of(ctx)
                .allowOnly("owner", "name", "auth", "public_key", "cloud_host", "cloud_port");
        String owner = caller.actingOwner(body.string("owner"));
        boolean psk = psk(body);
        String name = body.string("name");
        byte[] clientKey = body.has("public_key") ? publicKey("public_key", body.string("public_key")) : null;
        if (psk && clientKey != null) {
            throw ApiError.badRequest("field 'public_key' is for rpk devices; a psk device gets its psk from the cloud");
        }
        CloudAddress cloud = cloudAddress(ctx, body);
        Minted minted = psk ? Minted.psk(name) : clientKey != null ? Minted.clientKey(name, clientKey) : Minted.rpk(name);
        DeviceRegistry registry = backend.registry();
        registry.ensureOwner(owner);
        NewDevice request = minted.device();
        DeviceRecord device = psk ? registry.createPskDevice(request.id(), owner, name, request.psk())
                : registry.createRpkDevice(request.id(), owner, name, request.publicKeySpki());
        Json.respond(ctx, 201, minted.provisioned(device, cloud));
    }

    private void provisionMany(Context ctx, Caller caller) {
        RequestBody body = RequestBody.of(ctx)
                .allowOnly("owner", "auth", "count", "name_prefix", "devices", "cloud_host", "cloud_port");
        String owner = caller.actingOwner(body.string("owner"));
        boolean psk = psk(body);
        CloudAddress cloud = cloudAddress(ctx, body);
        List<RequestBody> given = body.objects("devices");
        if ((given == null) == !body.has("count")) {
            throw ApiError.badRequest("give either 'count' (the cloud makes the keys) or 'devices' (your public keys)"
                    + (given == null ? "" : ", not both"));
        }
        if (given != null && psk) {
            throw ApiError.badRequest("field 'devices' carries public keys, so 'auth' must be rpk");
        }
        if (given != null && (given.isEmpty() || given.size() > MAX_BULK_DEVICES)) {
            throw ApiError.badRequest("field 'devices' must hold 1.." + MAX_BULK_DEVICES + " devices, was " + given.size());
        }
        int total = given != null ? given.size() : body.integer("count", 1, MAX_BULK_DEVICES, 0);
        String prefix = body.string("name_prefix");
        int maxPrefix = MAX_NAME_LENGTH - String.valueOf(total).length();
        if (prefix != null && (prefix.isEmpty() || prefix.length() > maxPrefix)) {
            throw ApiError.badRequest("field 'name_prefix' must be 1.." + maxPrefix + " characters, so that names "
                    + "numbered up to " + total + " fit in " + MAX_NAME_LENGTH + ", was " + prefix.length());
        }
        List<Minted> minted;
        if (given != null) {
            minted = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                RequestBody item = given.get(i).allowOnly("public_key", "name");
                String name = item.has("name") ? item.string("name") : numbered(prefix, i, total);
                minted.add(Minted.clientKey(name, publicKey("devices[" + i + "].public_key", item.requiredString("public_key"))));
            }
        } else {
            // Key generation is the slow part (a P-256 key pair each); spread it over the cores.
            minted = IntStream.range(0, total).parallel()
                    .mapToObj(i -> psk ? Minted.psk(numbered(prefix, i, total)) : Minted.rpk(numbered(prefix, i, total)))
                    .toList();
        }
        DeviceRegistry registry = backend.registry();
        registry.ensureOwner(owner);
        List<DeviceRecord> devices = registry.createDevices(owner, minted.stream().map(Minted::device).toList());
        List<Provisioned> provisioned = new ArrayList<>(devices.size());
        for (int i = 0; i < devices.size(); i++) {
            provisioned.add(minted.get(i).provisioned(devices.get(i), cloud));
        }
        Json.respond(ctx, 201, new ProvisionedFleet(owner, provisioned.size(), provisioned));
    }

    /**
     * A device about to be registered with the secret it needs: a key pair, a client's public key (no private
     * key), or a PSK.
     */
    private record Minted(NewDevice device, KeyPair keyPair) {

        static Minted rpk(String name) {
            KeyPair pair = CloudKeys.generateP256();
            return new Minted(NewDevice.rpk(DeviceIds.random(), name, pair.getPublic().getEncoded()), pair);
        }

        static Minted clientKey(String name, byte[] publicKey) {
            return new Minted(NewDevice.rpk(DeviceIds.random(), name, publicKey), null);
        }

        static Minted psk(String name) {
            return new Minted(NewDevice.psk(DeviceIds.random(), name, CloudKeys.newPsk()), null);
        }

        Provisioned provisioned(DeviceRecord record, CloudAddress cloud) {
            Map<String, Object> credentials;
            if (device.psk() != null) {
                credentials = asMap(CredentialFile.psk(record.id(), device.psk(), cloud.host(), cloud.port(),
                        cloud.publicKey()));
            } else if (keyPair != null) {
                credentials = asMap(CredentialFile.rpk(record.id(), keyPair.getPrivate().getEncoded(),
                        device.publicKeySpki(), cloud.host(), cloud.port(), cloud.publicKey()));
            } else {
                // The client holds the private key: the file is complete once it adds "private_key".
                Base64.Encoder b64 = Base64.getEncoder();
                credentials = new LinkedHashMap<>();
                credentials.put("device_id", record.id());
                credentials.put("auth", RPK);
                credentials.put("public_key", b64.encodeToString(device.publicKeySpki()));
                credentials.put("cloud_host", cloud.host());
                credentials.put("cloud_port", cloud.port());
                credentials.put("cloud_public_key", b64.encodeToString(cloud.publicKey()));
            }
            return new Provisioned(record.id(), record.name(), record.owner(), credentials);
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> asMap(CredentialFile credentials) {
            return Json.MAPPER.convertValue(credentials, LinkedHashMap.class);
        }
    }

    private static boolean psk(RequestBody body) {
        String auth = body.string("auth");
        if (auth == null || auth.equals(RPK)) {
            return false;
        }
        if (auth.equals(PSK)) {
            return true;
        }
        throw ApiError.badRequest("field 'auth' must be 'rpk' or 'psk', was '" + auth + "'");
    }

    private CloudAddress cloudAddress(Context ctx, RequestBody body) {
        String host = body.string("cloud_host");
        if (host != null && host.isBlank()) {
            throw ApiError.badRequest("field 'cloud_host' must be a host name or address, was empty");
        }
        if (host == null) {
            host = advertisedCoapHost != null ? advertisedCoapHost : requestHost(ctx);
        }
        int port = body.integer("cloud_port", 1, 65535, backend.coapPort());
        return new CloudAddress(host, port, backend.cloudPublicKeySpki());
    }

    /** The host part of the request's Host header: devices reach the cloud by the name its API was reached by. */
    private static String requestHost(Context ctx) {
        String host = ctx.host();
        if (host == null || host.isBlank()) {
            return "127.0.0.1";
        }
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(1, end) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon > 0 ? host.substring(0, colon) : host;
    }

    private static byte[] publicKey(String field, String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("field '" + field + "' must be base64 of a P-256 SubjectPublicKeyInfo (DER): "
                    + e.getMessage());
        }
    }

    /** {@code prefix} and a 1-based number padded to the width of {@code total}, or null without a prefix. */
    private static String numbered(String prefix, int index, int total) {
        if (prefix == null) {
            return null;
        }
        return prefix + String.format("%0" + String.valueOf(total).length() + "d", index + 1);
    }
}
