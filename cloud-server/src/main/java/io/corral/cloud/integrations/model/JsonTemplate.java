package io.corral.cloud.integrations.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A JSON body template: a JSON value whose string leaves are mustache templates. Rendering replaces each leaf by
 * its rendered text and leaves structure, numbers and booleans alone, so event data can never break the JSON:
 * the JSON writer escapes whatever a leaf renders to.
 */
public final class JsonTemplate {
    private final JsonNode source;
    /** The templates of the string leaves, in depth-first order of the tree. */
    private final List<Template> leaves;

    private JsonTemplate(JsonNode source, List<Template> leaves) {
        this.source = source;
        this.leaves = leaves;
    }

    static JsonTemplate compile(String field, JsonNode json) {
        List<Template> leaves = new ArrayList<>();
        collect(field, json, leaves);
        return new JsonTemplate(json.deepCopy(), List.copyOf(leaves));
    }

    private static void collect(String path, JsonNode node, List<Template> leaves) {
        if (node.isTextual()) {
            leaves.add(Template.compile(path, node.textValue()));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                collect(path + "." + entry.getKey(), entry.getValue(), leaves);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(path + "[" + i + "]", node.get(i), leaves);
            }
        }
    }

    JsonNode source() {
        return source.deepCopy();
    }

    public JsonNode render(Map<String, Object> context) {
        Iterator<Template> next = leaves.iterator();
        return render(source, context, next);
    }

    private static JsonNode render(JsonNode node, Map<String, Object> context, Iterator<Template> next) {
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(next.next().render(context));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                copy.set(entry.getKey(), render(entry.getValue(), context, next));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : node) {
                copy.add(render(element, context, next));
            }
            return copy;
        }
        return node;
    }
}
