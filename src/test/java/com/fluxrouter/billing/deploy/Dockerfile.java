package com.fluxrouter.billing.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** deploy/Dockerfile, instruction by instruction (continuation lines joined, comments dropped). */
final class Dockerfile {
    private Dockerfile() {
    }

    static List<String[]> instructions() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Manifests.DEPLOY.resolve("Dockerfile"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String[]> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            String text = line.strip();
            boolean continued = text.endsWith("\\");
            current.append(continued ? text.substring(0, text.length() - 1) : text).append(' ');
            if (!continued) {
                String joined = current.toString().strip();
                int space = joined.indexOf(' ');
                instructions.add(new String[] {joined.substring(0, space), joined.substring(space + 1).strip()});
                current.setLength(0);
            }
        }
        return instructions;
    }

    /** The argument of the last instruction of this name (the runtime stage's). */
    static String lastValue(String instruction) {
        String value = null;
        for (String[] entry : instructions()) {
            if (entry[0].equals(instruction)) {
                value = entry[1];
            }
        }
        return value;
    }

    /** The ENV of the image (name=value pairs; values without spaces). */
    static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String[] entry : instructions()) {
            if (entry[0].equals("ENV")) {
                for (String pair : entry[1].split("\\s+")) {
                    int equals = pair.indexOf('=');
                    env.put(pair.substring(0, equals), pair.substring(equals + 1));
                }
            }
        }
        return env;
    }
}
