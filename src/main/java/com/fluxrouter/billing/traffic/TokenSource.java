package com.fluxrouter.billing.traffic;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Token counts of successive requests, shaped like real LLM traffic. The built-in shape is the Azure LLM inference
 * trace of 2023 (Patel et al., "Splitwise", ISCA 2024; CC-BY 4.0) reduced to its published log-normal fits:
 * code completion (31 % of requests) context ln N(6.999, 1.360), generated ln N(2.788, 0.847); conversation
 * context ln N(6.633, 0.985), generated ln N(5.019, 0.859). {@link #trace} replays a CSV of that trace instead.
 */
public interface TokenSource {
    /** Input and output tokens of one request. */
    record Tokens(long input, long output) {
    }

    Tokens next();

    /** The built-in shape, reproducible from the seed. */
    static TokenSource builtIn(Random random) {
        return () -> {
            boolean code = random.nextInt(28_185) < 8_819;
            double input = code ? logNormal(random, 6.999, 1.360) : logNormal(random, 6.633, 0.985);
            double output = code ? logNormal(random, 2.788, 0.847) : logNormal(random, 5.019, 0.859);
            return new Tokens(clamp(input), clamp(output));
        };
    }

    /**
     * The rows of a trace CSV ({@code TIMESTAMP,ContextTokens,GeneratedTokens}, header first), in order, starting
     * over at the end.
     */
    static TokenSource trace(Path csv) throws IOException {
        List<Tokens> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] columns = line.split(",");
                if (columns.length >= 3) {
                    rows.add(new Tokens(Long.parseLong(columns[1].trim()), Long.parseLong(columns[2].trim())));
                }
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(csv + " holds no rows of TIMESTAMP,ContextTokens,GeneratedTokens");
        }
        int[] next = {0};
        return () -> rows.get(next[0]++ % rows.size());
    }

    private static double logNormal(Random random, double mu, double sigma) {
        return Math.exp(mu + sigma * random.nextGaussian());
    }

    private static long clamp(double tokens) {
        return Math.max(0, Math.min(10_000_000L, Math.round(tokens)));
    }
}
