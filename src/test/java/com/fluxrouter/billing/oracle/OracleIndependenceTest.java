package com.fluxrouter.billing.oracle;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The oracle's independence rule (its package-info): its sources import only java.math, java.time and java.util,
 * and name no class of the pipeline (pricing, metering, invoicing, catalog, plans, alerts, intake, nor anything
 * else under com.fluxrouter.billing but the oracle itself), not even fully qualified. Read from the source files,
 * so it needs no bytecode tool.
 */
class OracleIndependenceTest {
    private static final Path SOURCES = Path.of("src/main/java/com/fluxrouter/billing/oracle");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("com\\.fluxrouter\\.billing\\.(\\w+)");
    private static final List<String> ALLOWED = List.of("java.math.", "java.time.", "java.util.");

    @Test
    void oracleSourcesImportOnlyBigDecimalTimeAndCollections() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> sources = sources();
        for (Path source : sources) {
            String text = Files.readString(source);
            Matcher imports = IMPORT.matcher(text);
            while (imports.find()) {
                String imported = imports.group(2);
                if (ALLOWED.stream().noneMatch(imported::startsWith)) {
                    violations.add(source.getFileName() + " imports " + imported);
                }
            }
            Matcher qualified = QUALIFIED.matcher(text);
            while (qualified.find()) {
                if (!qualified.group(1).equals("oracle")) {
                    violations.add(source.getFileName() + " names " + qualified.group());
                }
            }
        }
        assertThat(sources).as("oracle sources found").hasSizeGreaterThanOrEqualTo(5);
        assertThat(violations).as("imports outside java.math, java.time, java.util").isEmpty();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.list(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }
}
