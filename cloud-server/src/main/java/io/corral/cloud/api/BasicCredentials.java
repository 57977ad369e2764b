package io.corral.cloud.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The name and secret of an {@code Authorization: Basic} header (RFC 7617): a user's username and password, or an
 * OAuth client's id and secret. Never printed: {@link #toString()} leaves the secret out.
 */
record BasicCredentials(String name, String secret) {
    private static final String BASIC = "basic ";

    /**
     * The credentials of a Basic header; empty for no header or another scheme.
     *
     * @throws ApiError 401 for a Basic header that is not base64 of {@code name:secret}
     */
    static Optional<BasicCredentials> of(String header) {
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith(BASIC)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).strip()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.unauthorized("the Authorization header must be 'Basic' and base64 of NAME:SECRET");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw ApiError.unauthorized("the Basic credentials must be NAME:SECRET, without the colon there is no "
                    + "secret");
        }
        return Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return "BasicCredentials[" + name + "]";
    }
}
