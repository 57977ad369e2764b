package io.corral.cloud.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.javalin.http.Context;
import java.time.Instant;

/** The API's one JSON mapper: snake_case field names, as in the Particle API, and ISO-8601 times as text. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private Json() {
    }

    /** Answers {@code body} as JSON with {@code status}. */
    static void respond(Context ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            // Only our own response types get here; failing to write one is a bug, not a client error.
            throw new IllegalStateException("cannot write response " + body.getClass().getSimpleName(), e);
        }
        ctx.status(status).contentType("application/json").result(bytes);
    }

    /** The error body of every failed request. */
    record ErrorBody(String error, String errorDescription) {
    }

    static String time(Instant at) {
        return at == null ? null : at.toString();
    }
}
