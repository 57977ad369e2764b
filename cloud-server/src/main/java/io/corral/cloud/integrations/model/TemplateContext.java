package io.corral.cloud.integrations.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.events.Event;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The variables a template sees for one event: {@code PARTICLE_EVENT_NAME}, {@code PARTICLE_EVENT_VALUE},
 * {@code PARTICLE_DEVICE_ID}, {@code PARTICLE_PUBLISHED_AT} (ISO-8601 UTC) and {@code PARTICLE_EVENT_ID}, the
 * same under {@code CORRAL_*}, and, when the event data is a JSON object, its top-level fields, so that
 * {@code {{temperature}}} works for data {@code {"temperature": 21.5}}. The fixed variables win over data fields
 * of the same name.
 */
public final class TemplateContext {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private TemplateContext() {
    }

    private static final String[] NAMES = {"EVENT_NAME", "EVENT_VALUE", "DEVICE_ID", "PUBLISHED_AT", "EVENT_ID"};
    private static final String[] PARTICLE = prefixed("PARTICLE_");
    private static final String[] CORRAL = prefixed("CORRAL_");

    public static Map<String, Object> of(Event event) {
        Map<String, Object> fields = dataFields(event);
        Map<String, Object> context = new HashMap<>(fields.size() + 16);
        context.putAll(fields);
        String[] values = {event.name(), event.dataAsText(), event.deviceId(), event.publishedAt().toString(),
                event.id()};
        for (int i = 0; i < NAMES.length; i++) {
            context.put(PARTICLE[i], values[i]);
            context.put(CORRAL[i], values[i]);
        }
        return context;
    }

    private static String[] prefixed(String prefix) {
        String[] names = new String[NAMES.length];
        for (int i = 0; i < NAMES.length; i++) {
            names[i] = prefix + NAMES[i];
        }
        return names;
    }

    private static Map<String, Object> dataFields(Event event) {
        byte[] data = event.data();
        // Cheap test first: only data that starts like an object is worth a parse.
        int first = 0;
        while (first < data.length && Character.isWhitespace(data[first])) {
            first++;
        }
        if (first == data.length || data[first] != '{') {
            return Map.of();
        }
        try {
            Map<String, Object> fields = JSON.readValue(data, OBJECT);
            return fields == null ? Map.of() : fields;
        } catch (IOException notJson) {
            return Map.of();
        }
    }
}
