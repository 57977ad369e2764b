package io.corral.cloud.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the values of a {@link Setting} are read from text, written back (in the syntax they are read in) and
 * ordered for its range. Immutable; the constants cover Corral's settings, {@link #of} makes another.
 *
 * @param <T> the value type
 */
public final class SettingType<T> {
    /** A whole number. */
    public static final SettingType<Integer> INTEGER = new SettingType<Integer>("integer", text -> {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }, String::valueOf, String::valueOf, Comparator.<Integer>naturalOrder());

    /** A decimal number; {@code 200}, {@code 0.9}. */
    public static final SettingType<Double> DECIMAL = new SettingType<Double>("number", text -> {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
    }, SettingType::number, SettingType::number, Comparator.<Double>naturalOrder());

    /** {@code true} or {@code false}. */
    public static final SettingType<Boolean> BOOLEAN = new SettingType<>("boolean", text ->
            switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("'" + text + "' must be true or false");
            }, String::valueOf, String::valueOf, null);

    /** Any text, stripped of surrounding blanks. */
    public static final SettingType<String> TEXT = new SettingType<>("text", String::strip, s -> s, s -> s, null);

    /** A duration in the one syntax of {@link Durations}; messages write it as prose ({@code 30 s}). */
    public static final SettingType<Duration> DURATION = new SettingType<>("duration", Durations::parse,
            Durations::format, Durations::describe, Comparator.naturalOrder());

    /** A host name or IP address. */
    public static final SettingType<String> HOST = new SettingType<>("host", text -> {
        String host = text.strip();
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + text + "' is not a host name or IP address");
        }
        return host;
    }, s -> s, s -> s, null);

    /** A port to connect to, in [1, 65535]; its range is the type's, so a bad one is a bad value. */
    public static final SettingType<Integer> PORT = port(1);

    /** A port to listen on, in [0, 65535], where 0 asks the system for a free one. */
    public static final SettingType<Integer> LISTEN_PORT = port(0);

    /** An absolute http or https URL with a host. */
    public static final SettingType<URI> HTTP_URL = new SettingType<>("URL", text -> {
        try {
            URI uri = new URI(text.strip());
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below, with the syntax
        }
        throw new IllegalArgumentException("'" + text + "' is not an http or https URL such as https://host/path");
    }, URI::toString, URI::toString, null);

    /** A file or directory path. */
    public static final SettingType<Path> PATH = new SettingType<>("path", text -> {
        try {
            if (text.isBlank()) {
                throw new IllegalArgumentException("a path must not be empty");
            }
            return Path.of(text.strip());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a path: " + e.getReason());
        }
    }, Path::toString, Path::toString, null);

    private final String name;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final Function<T, String> describer;
    private final Comparator<T> order;

    private SettingType(String name, Function<String, T> parser, Function<T, String> formatter,
                        Function<T, String> describer, Comparator<T> order) {
        this.name = name;
        this.parser = parser;
        this.formatter = formatter;
        this.describer = describer;
        this.order = order;
    }

    /**
     * A type of its own.
     *
     * @param name   what a value is, for documentation ("outage kind")
     * @param parser reads text; throws {@link IllegalArgumentException} with a message that names the text and
     *               says what is accepted
     * @param format writes a value in the syntax {@code parser} reads
     */
    public static <T> SettingType<T> of(String name, Function<String, T> parser, Function<T, String> format) {
        return new SettingType<>(name, parser, format, format, null);
    }

    /**
     * The constants of an enum, written in lower case with {@code -} for {@code _}.
     *
     * @param noun what one constant is, with its article, for messages ("an admission mode")
     */
    public static <E extends Enum<E>> SettingType<E> enumeration(Class<E> type, String noun) {
        E[] constants = type.getEnumConstants();
        String choices = choices(Arrays.stream(constants).map(SettingType::enumName).toList());
        return new SettingType<>(noun.replaceFirst("^(an?|the) ", ""), text -> {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (E constant : constants) {
                if (enumName(constant).equals(wanted)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("'" + text + "' is not " + noun + ": use " + choices);
        }, SettingType::enumName, SettingType::enumName, null);
    }

    /** This type with durations (or other values) written differently in messages. */
    public SettingType<T> describedAs(Function<T, String> describer) {
        return new SettingType<>(name, parser, formatter, Objects.requireNonNull(describer), order);
    }

    /** What a value is: "duration", "integer". */
    public String name() {
        return name;
    }

    /** @throws IllegalArgumentException whose message names the text and what is accepted */
    public T parse(String text) {
        return parser.apply(Objects.requireNonNull(text, "text"));
    }

    /** The value in the syntax {@link #parse} reads. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /** The value as messages write it. */
    public String describe(T value) {
        return describer.apply(value);
    }

    boolean ordered() {
        return order != null;
    }

    int compare(T a, T b) {
        return order.compare(a, b);
    }

    /** "a, b or c". */
    static String choices(java.util.List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
                + " or " + names.get(names.size() - 1);
    }

    private static String enumName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** 200 rather than 200.0; 0.9 as it is. */
    private static String number(Double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString(value.longValue())
                : Double.toString(value);
    }

    private static SettingType<Integer> port(int min) {
        return new SettingType<Integer>("port", text -> {
            int port;
            try {
                port = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a port number in [" + min + ", 65535]");
            }
            if (port < min || port > 65535) {
                throw new IllegalArgumentException("port must be in [" + min + ", 65535], was " + port);
            }
            return port;
        }, String::valueOf, String::valueOf, Comparator.<Integer>naturalOrder());
    }
}
