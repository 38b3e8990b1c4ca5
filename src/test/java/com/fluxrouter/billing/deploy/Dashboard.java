package com.fluxrouter.billing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** deploy/grafana/flux-billing.json and the metrics its panels query. */
public final class Dashboard {
    /** Every metric the pipeline exports starts with one of these; PromQL functions and labels do not. */
    private static final Pattern METRIC = Pattern.compile("\\b(?:kafka|flux_billing)_[a-zA-Z0-9_]+");

    private Dashboard() {
    }

    /** Read relative to the project directory, where Maven runs the tests. */
    public static JsonNode json() {
        try {
            return new ObjectMapper().readTree(Path.of("deploy/grafana/flux-billing.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : json().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }
        return expressions;
    }

    public static Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        for (String expression : expressions()) {
            Matcher matcher = METRIC.matcher(expression);
            while (matcher.find()) {
                names.add(matcher.group());
            }
        }
        return names;
    }
}
