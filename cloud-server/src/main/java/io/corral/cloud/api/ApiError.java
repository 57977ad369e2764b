package io.corral.cloud.api;

/**
 * An error answered to the client as {@code {"error": code, "error_description": description}} with an HTTP
 * status. Handlers throw it; {@link ApiServer} turns it into the response. The description says what was wrong
 * and, where there is one, what to do instead.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final String code;

    ApiError(int status, String code, String description) {
        super(description, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** The error code of an HTTP status, for errors that come with a status only. */
    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 500 -> "internal_error";
            case 503 -> "unavailable";
            default -> "http_" + status;
        };
    }

    static ApiError badRequest(String description) {
        return new ApiError(400, "invalid_request", description);
    }

    static ApiError unauthorized(String description) {
        return new ApiError(401, "invalid_token", description);
    }

    static ApiError forbidden(String description) {
        return new ApiError(403, "insufficient_scope", description);
    }

    static ApiError notFound(String description) {
        return new ApiError(404, "not_found", description);
    }

    static ApiError conflict(String description) {
        return new ApiError(409, "conflict", description);
    }
}
