package io.corral.cloud.coap;

import io.corral.cloud.config.Catalogue;
import io.corral.cloud.config.Durations;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.DocumentedDefinition;
import org.eclipse.californium.elements.config.SystemConfig;
import org.eclipse.californium.elements.config.TimeDefinition;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;

/**
 * Scandium and Californium settings for the cloud's DTLS endpoint, beyond the ones Corral sets: each is given by
 * Californium's own name, either its field name ({@code DTLS_RECEIVER_THREAD_COUNT}) or its properties key
 * ({@code DTLS.RECEIVER_THREAD_COUNT}), and its value is read by Californium's own definition of it. Durations
 * take Corral's syntax ({@code 250ms}, {@code 5s}). Immutable.
 *
 * <pre>{@code
 * DtlsSettings dtls = DtlsSettings.builder().scandium("DTLS_RECEIVER_THREAD_COUNT", "4").build();
 * }</pre>
 *
 * <p>On the command line these are the keys under {@value #SCANDIUM_PREFIX}, such as
 * {@code dtls.scandium.DTLS_RECEIVER_THREAD_COUNT=4} in the settings file or
 * {@code CORRAL_DTLS_SCANDIUM_DTLS_RECEIVER_THREAD_COUNT=4} in the environment.
 */
public final class DtlsSettings {
    /** The key prefix under which the command line passes settings through to Scandium. */
    public static final String SCANDIUM_PREFIX = "dtls.scandium.";

    /** Nothing beyond Corral's own choices. */
    public static final DtlsSettings NONE = new DtlsSettings(Map.of());

    /** Californium's definitions the endpoint's configuration holds, by field name and by key. */
    private static final Map<String, DocumentedDefinition<?>> DEFINITIONS = definitions();

    private final Map<DocumentedDefinition<?>, String> scandium;

    private DtlsSettings(Map<DocumentedDefinition<?>, String> scandium) {
        this.scandium = Collections.unmodifiableMap(new LinkedHashMap<>(scandium));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings by Californium key, with their values as Californium reads them. */
    public Map<String, String> scandium() {
        Map<String, String> byKey = new LinkedHashMap<>();
        scandium.forEach((definition, text) -> byKey.put(definition.getKey(), text));
        return byKey;
    }

    /**
     * Californium's default of a setting as text, for {@code config show}, or null if the name is not one.
     */
    public static String defaultText(String name) {
        DocumentedDefinition<?> definition = DEFINITIONS.get(name);
        return definition == null ? null : DeviceEndpoint.configuration(NONE).getAsText(definition);
    }

    /** Sets every setting on an endpoint's configuration, after Corral's own. */
    void applyTo(Configuration configuration) {
        scandium.forEach(configuration::setFromText);
    }

    @Override
    public String toString() {
        return scandium.isEmpty() ? "no Scandium settings" : "Scandium " + scandium();
    }

    private static Map<String, DocumentedDefinition<?>> definitions() {
        Map<String, DocumentedDefinition<?>> definitions = new LinkedHashMap<>();
        Configuration profile = new Configuration(CoapConfig.DEFINITIONS, DtlsConfig.DEFINITIONS,
                UdpConfig.DEFINITIONS, SystemConfig.DEFINITIONS);
        // The modules' public constants, as Californium's own DefinitionUtils.verify reads them.
        for (Class<?> module : List.of(DtlsConfig.class, CoapConfig.class, UdpConfig.class, SystemConfig.class)) {
            for (Field field : module.getFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && DocumentedDefinition.class.isAssignableFrom(field.getType())) {
                    try {
                        DocumentedDefinition<?> definition = (DocumentedDefinition<?>) field.get(null);
                        if (profile.hasDefinition(definition)) {
                            definitions.putIfAbsent(field.getName(), definition);
                            definitions.putIfAbsent(definition.getKey(), definition);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read " + module.getName() + "." + field.getName(), e);
                    }
                }
            }
        }
        return Collections.unmodifiableMap(definitions);
    }

    /** Collects {@link DtlsSettings}; each setting is checked as it is given. */
    public static final class Builder {
        private final Map<DocumentedDefinition<?>, String> scandium = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * One Scandium or Californium setting.
         *
         * @param name  its field name ({@code DTLS_RECEIVER_THREAD_COUNT}) or key ({@code DTLS.RECEIVER_THREAD_COUNT})
         * @param value its value; a duration in Corral's syntax ({@code 5s})
         * @throws IllegalArgumentException for a name Californium does not know (naming the nearest one), one the
         *                                  Corral profile fixes, or a value Californium refuses
         */
        public Builder scandium(String name, String value) {
            Objects.requireNonNull(value, "value");
            DocumentedDefinition<?> definition = DEFINITIONS.get(Objects.requireNonNull(name, "name"));
            if (definition == null) {
                throw new IllegalArgumentException("'" + name + "' is not a Scandium or Californium setting; the "
                        + "nearest is '" + Catalogue.nearest(name, DEFINITIONS.keySet()) + "'");
            }
            Set<DocumentedDefinition<?>> fixed = DeviceEndpoint.PROFILE_SETTINGS;
            if (fixed.contains(definition)) {
                throw new IllegalArgumentException(name + " is set by the Corral profile (to "
                        + DeviceEndpoint.configuration(NONE).getAsText(definition) + ") and cannot be changed");
            }
            String text = definition instanceof TimeDefinition ? californiumTime(value) : value.strip();
            try {
                // Californium's own reading of the value, on a configuration like the endpoint's.
                DeviceEndpoint.configuration(NONE).setFromText(definition, text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + value + "' is not a value of " + name + ": "
                        + e.getMessage());
            }
            scandium.put(definition, text);
            return this;
        }

        public DtlsSettings build() {
            return new DtlsSettings(scandium);
        }

        /** Corral's duration syntax, as Californium's time text: {@code 5s} becomes {@code 5000[ms]}. */
        private static String californiumTime(String value) {
            Duration duration = Durations.parse(value);
            return duration.toNanos() % 1_000_000 == 0 ? duration.toMillis() + "[ms]" : duration.toNanos() + "[ns]";
        }
    }
}
