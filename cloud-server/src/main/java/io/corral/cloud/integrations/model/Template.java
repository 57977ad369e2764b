package io.corral.cloud.integrations.model;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import io.corral.cloud.integrations.IntegrationException;
import java.util.Map;

/**
 * One mustache template of an integration setting, compiled when the integration is created so a syntax error
 * is refused then, naming the field, rather than found at delivery time. Variables that an event does not have
 * render as the empty string, and nothing is HTML-escaped: JSON bodies are escaped by the JSON writer and form
 * fields and query values by URL encoding, where each belongs.
 */
public final class Template {
    private static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false).defaultValue("");

    private final String text;
    private final com.samskivert.mustache.Template compiled;

    private Template(String text, com.samskivert.mustache.Template compiled) {
        this.text = text;
        this.compiled = compiled;
    }

    /** @throws IntegrationException INVALID_INPUT naming {@code field} if the text is not a valid template */
    static Template compile(String field, String text) {
        if (text == null) {
            throw IntegrationException.invalid(field, "must be a template string, was missing");
        }
        String unclosed = unclosedTag(text);
        if (unclosed != null) {
            throw IntegrationException.invalid(field, "invalid mustache template: " + unclosed);
        }
        try {
            return new Template(text, COMPILER.compile(text));
        } catch (MustacheException e) {
            throw IntegrationException.invalid(field, "invalid mustache template: " + e.getMessage());
        }
    }

    /**
     * jmustache keeps a tag that is never closed as literal text; in an integration that is always a typo
     * ({@code {{PARTICLE_DEVICE_ID}}} missing its braces), so it is refused here.
     */
    private static String unclosedTag(String text) {
        int open = text.indexOf("{{");
        while (open >= 0) {
            int inner = open + 2 + (text.startsWith("{", open + 2) ? 1 : 0);
            int close = text.indexOf("}}", inner);
            int nextOpen = text.indexOf("{{", inner);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
                int end = nextOpen >= 0 ? nextOpen : Math.min(text.length(), open + 40);
                return "tag '" + text.substring(open, end) + "' at character " + open + " is not closed with }}";
            }
            open = text.indexOf("{{", close + 2);
        }
        return null;
    }

    /** True if the text has no {@code {{...}}} tag, so rendering it gives the text back. */
    boolean isConstant() {
        return !text.contains("{{");
    }

    public String render(Map<String, Object> context) {
        return compiled.execute(context);
    }

    String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
