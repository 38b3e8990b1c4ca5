package com.fluxrouter.billing.observability;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sample values of one family, read from a Prometheus text exposition whose validity {@link Promtool} checks: a sample
 * line is {@code name{labels} value}, so this only splits lines, it does not judge them.
 */
public final class Exposition {
    private Exposition() {
    }

    /** The samples of {@code name} (exactly that name): the label block as written (empty without labels) to value. */
    public static Map<String, Double> samples(String exposition, String name) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                int valueStart = line.lastIndexOf(' ');
                samples.put(line.substring(name.length(), valueStart), Double.parseDouble(line.substring(valueStart + 1)));
            }
        }
        return samples;
    }

    /** The sum of every sample of {@code name} whose label block contains each of {@code labels} (k="v" pairs). */
    public static double sum(String exposition, String name, String... labels) {
        double sum = 0;
        for (Map.Entry<String, Double> sample : samples(exposition, name).entrySet()) {
            boolean matches = true;
            for (String label : labels) {
                matches &= sample.getKey().startsWith("{" + label) || sample.getKey().contains("," + label);
            }
            if (matches) {
                sum += sample.getValue();
            }
        }
        return sum;
    }

    /** The {@code # TYPE} of a family, or null. */
    public static String type(String exposition, String family) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE " + family + " ")) {
                return line.substring(("# TYPE " + family + " ").length());
            }
        }
        return null;
    }
}
