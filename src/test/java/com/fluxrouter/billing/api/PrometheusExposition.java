package com.fluxrouter.billing.api;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it fails on anything a Prometheus
 * server would refuse or silently mangle (a bad name, a bad escape, an unparsable value, a second TYPE line, a TYPE
 * after the family's samples, a family split in two, the same series twice).
 */
public final class PrometheusExposition {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|NaN|[+-]Inf");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** Family name to its series (labels, sorted) to value. */
    private final Map<String, Map<Map<String, String>, Double>> families = new LinkedHashMap<>();
    private final Map<String, String> types = new HashMap<>();

    private PrometheusExposition() {
    }

    public static PrometheusExposition parse(String text) {
        PrometheusExposition exposition = new PrometheusExposition();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        Set<String> finished = new HashSet<>();
        String current = null;
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + ": " + line;
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                if (parts.length != 4 || !METRIC_NAME.matcher(parts[2]).matches() || !TYPES.contains(parts[3])) {
                    throw new IllegalArgumentException("bad TYPE, " + where);
                }
                if (exposition.types.put(parts[2], parts[3]) != null || exposition.families.containsKey(parts[2])) {
                    throw new IllegalArgumentException("TYPE repeated or after samples, " + where);
                }
                continue;
            }
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            int nameEnd = brace >= 0 && brace < space ? brace : space;
            if (nameEnd <= 0) {
                throw new IllegalArgumentException("no value, " + where);
            }
            String name = line.substring(0, nameEnd);
            if (!METRIC_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad metric name, " + where);
            }
            Map<String, String> labels = new TreeMap<>();
            int rest = nameEnd;
            if (line.charAt(nameEnd) == '{') {
                rest = labels(line, nameEnd + 1, labels, where);
            }
            String[] tail = line.substring(rest).strip().split(" ");
            if (tail.length > 2 || !VALUE.matcher(tail[0]).matches()
                    || (tail.length == 2 && !tail[1].matches("-?\\d+"))) {
                throw new IllegalArgumentException("bad value, " + where);
            }
            if (!name.equals(current)) {
                if (current != null) {
                    finished.add(current);
                }
                if (finished.contains(name)) {
                    throw new IllegalArgumentException("family split in two groups, " + where);
                }
                current = name;
            }
            Map<Map<String, String>, Double> series = exposition.families.computeIfAbsent(name, n -> new LinkedHashMap<>());
            if (series.put(labels, value(tail[0])) != null) {
                throw new IllegalArgumentException("duplicate series, " + where);
            }
        }
        return exposition;
    }

    /** Parses {@code name="value",...}} from {@code start}; returns the index after the closing brace. */
    private static int labels(String line, int start, Map<String, String> labels, String where) {
        int i = start;
        while (true) {
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int equals = line.indexOf('=', i);
            String label = line.substring(i, equals);
            if (!LABEL_NAME.matcher(label).matches() || line.charAt(equals + 1) != '"') {
                throw new IllegalArgumentException("bad label name, " + where);
            }
            StringBuilder value = new StringBuilder();
            i = equals + 2;
            for (char c = line.charAt(i); c != '"'; c = line.charAt(i)) {
                if (c == '\\') {
                    char escaped = line.charAt(i + 1);
                    switch (escaped) {
                        case '\\', '"' -> value.append(escaped);
                        case 'n' -> value.append('\n');
                        default -> throw new IllegalArgumentException("bad escape, " + where);
                    }
                    i += 2;
                } else {
                    value.append(c);
                    i++;
                }
            }
            if (labels.put(label, value.toString()) != null) {
                throw new IllegalArgumentException("label repeated, " + where);
            }
            i++;
            if (line.charAt(i) == ',') {
                i++;
            } else if (line.charAt(i) != '}') {
                throw new IllegalArgumentException("bad label list, " + where);
            }
        }
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    public Set<String> families() {
        return families.keySet();
    }

    public String type(String family) {
        return types.get(family);
    }

    /** The value of one series, or null. */
    public Double value(String family, Map<String, String> labels) {
        Map<Map<String, String>, Double> series = families.get(family);
        return series == null ? null : series.get(new TreeMap<>(labels));
    }
}
