package io.corral.cloud.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of a request body, sent as a JSON object or, as the Particle API also accepts, as a URL-encoded
 * form. Every accessor fails with a 400 {@link ApiError} that names the field and what it must be.
 */
final class RequestBody {
    /** Sent by Particle-style clients in form bodies; never a field of an endpoint. */
    private static final String ACCESS_TOKEN = "access_token";

    private final ObjectNode fields;
    private final boolean form;
    /** Where these fields sit in the request, for error messages: empty at the top, {@code devices[3].} in an array. */
    private final String path;

    private RequestBody(ObjectNode fields, boolean form, String path) {
        this.fields = fields;
        this.form = form;
        this.path = path;
    }

    /**
     * Reads the body of {@code ctx}: JSON when the content type says so (or is missing and the body looks like
     * JSON), a form when it is {@code application/x-www-form-urlencoded}. An empty body has no fields.
     */
    static RequestBody of(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded")) {
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, List<String>> entry : ctx.formParamMap().entrySet()) {
                if (entry.getValue().size() > 1) {
                    throw ApiError.badRequest("field '" + entry.getKey() + "' is given " + entry.getValue().size()
                            + " times; give it once");
                }
                fields.put(entry.getKey(), entry.getValue().getFirst());
            }
            return new RequestBody(fields, true, "");
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            return new RequestBody(JsonNodeFactory.instance.objectNode(), false, "");
        }
        if (!type.isEmpty() && !type.startsWith("application/json")) {
            throw new ApiError(415, "unsupported_media_type", "request body must be application/json or "
                    + "application/x-www-form-urlencoded, was " + ctx.contentType());
        }
        return new RequestBody(parseObject(body), false, "");
    }

    private static ObjectNode parseObject(byte[] body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiError.badRequest("malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable request body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiError.badRequest("request body must be a JSON object, was " + describe(root));
        }
        return (ObjectNode) root;
    }

    /** Refuses fields this endpoint does not take, so a misspelt field fails instead of being ignored. */
    RequestBody allowOnly(String... names) {
        Set<String> allowed = Set.of(names);
        for (Iterator<String> it = fields.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name) && !(form && ACCESS_TOKEN.equals(name))) {
                throw ApiError.badRequest("unknown field '" + path + name + "'; this endpoint takes "
                        + (names.length == 0 ? "no fields" : String.join(", ", new TreeSet<>(allowed))));
            }
        }
        return this;
    }

    boolean has(String name) {
        JsonNode node = fields.get(name);
        return node != null && !node.isNull();
    }

    /** A text field, or null when absent or JSON null. */
    String string(String name) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiError.badRequest("field '" + path + name + "' must be a string, was " + describe(node));
        }
        return node.asText();
    }

    String requiredString(String name) {
        String value = string(name);
        if (value == null) {
            throw ApiError.badRequest("field '" + path + name + "' is required");
        }
        return value;
    }

    /** An integer field in [min, max], or {@code otherwise} when absent. Forms give numbers as text. */
    int integer(String name, int min, int max, int otherwise) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return otherwise;
        }
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.asLong();
        } else if (form && node.isTextual() && node.asText().strip().matches("-?\\d{1,18}")) {
            value = Long.parseLong(node.asText().strip());
        } else {
            throw ApiError.badRequest("field '" + path + name + "' must be an integer in [" + min + ", " + max + "], was "
                    + describe(node));
        }
        if (value < min || value > max) {
            throw ApiError.badRequest("field '" + path + name + "' must be in [" + min + ", " + max + "], was " + value);
        }
        return (int) value;
    }

    /** A boolean field, or {@code otherwise} when absent. Forms give {@code true} or {@code false} as text. */
    boolean bool(String name, boolean otherwise) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return otherwise;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (form && node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
            return Boolean.parseBoolean(node.asText());
        }
        throw ApiError.badRequest("field '" + path + name + "' must be true or false, was " + describe(node));
    }

    /** The objects of an array field (JSON bodies only), or null when absent. */
    List<RequestBody> objects(String name) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw ApiError.badRequest("field '" + path + name + "' must be an array of objects, was " + describe(node));
        }
        List<RequestBody> items = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                throw ApiError.badRequest("field '" + path + name + "[" + i + "]' must be an object, was " + describe(item));
            }
            items.add(new RequestBody((ObjectNode) item, false, path + name + "[" + i + "]."));
        }
        return items;
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        String text = node.toString();
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
