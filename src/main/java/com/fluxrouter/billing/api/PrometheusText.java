package com.fluxrouter.billing.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus text exposition format 0.0.4: each family once, with one TYPE line before its samples; names reduced
 * to the allowed characters; label values escaped; a series (family and labels) written once, the first value
 * winning, so two source metrics that reduce to the same name cannot make a duplicate.
 */
final class PrometheusText {
    private final Map<String, String> types = new TreeMap<>();
    /** Family to its series: rendered labels to rendered value. */
    private final Map<String, Map<String, String>> families = new TreeMap<>();

    void gauge(String name, Map<String, String> labels, double value) {
        if (Double.isNaN(value)) {
            return;
        }
        add(name, "gauge", labels, format(value));
    }

    void counter(String name, Map<String, String> labels, long value) {
        add(name, "counter", labels, Long.toString(value));
    }

    private void add(String name, String type, Map<String, String> labels, String value) {
        String family = metricName(name);
        String known = types.putIfAbsent(family, type);
        if (known != null && !known.equals(type)) {
            throw new IllegalArgumentException(family + " is a " + known + ", not a " + type);
        }
        families.computeIfAbsent(family, f -> new java.util.LinkedHashMap<>()).putIfAbsent(labels(labels), value);
    }

    String render() {
        StringBuilder text = new StringBuilder();
        families.forEach((family, series) -> {
            text.append("# TYPE ").append(family).append(' ').append(types.get(family)).append('\n');
            series.forEach((labels, value) -> text.append(family).append(labels).append(' ').append(value).append('\n'));
        });
        return text.toString();
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("{");
        new TreeMap<>(labels).forEach((name, value) -> text.append(text.length() > 1 ? "," : "")
                .append(labelName(name)).append("=\"").append(escape(value)).append('"'));
        return text.append('}').toString();
    }

    static String metricName(String name) {
        return leadingDigitGuarded(name.replaceAll("[^a-zA-Z0-9_:]", "_"));
    }

    static String labelName(String name) {
        return leadingDigitGuarded(name.replaceAll("[^a-zA-Z0-9_]", "_"));
    }

    /** A name may not be empty or start with a digit: both get a leading underscore. */
    private static String leadingDigitGuarded(String reduced) {
        return reduced.isEmpty() || Character.isDigit(reduced.charAt(0)) ? "_" + reduced : reduced;
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String format(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }
}
