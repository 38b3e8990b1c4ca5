package com.fluxrouter.billing.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar (what the image runs) writes JSON lines when FLUX_LOG_FORMAT=json: the shaded jar must still find
 * log4j's JSON layout plugin. Driven by replay on the examples, whose alerts log their account and request ids.
 */
class PackagedJsonLogsIT {
    @TempDir
    Path tmp;

    @Test
    void theJarLogsJsonLinesWithAccountAndRequestIds() throws Exception {
        Path jar = Path.of("target/flux-billing.jar");
        assertThat(jar).as("failsafe runs after package").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString(), "replay", "--in", "examples",
                "--out", tmp.resolve("out").toString());
        builder.environment().put("FLUX_LOG_FORMAT", "json");
        builder.environment().put("FLUX_LOG_LEVEL", "DEBUG");
        builder.redirectOutput(tmp.resolve("stdout.txt").toFile()).redirectError(tmp.resolve("stderr.txt").toFile());
        Process process = builder.start();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("replay finished").isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).isZero();

        List<String> lines = Files.readAllLines(tmp.resolve("stderr.txt"));
        assertThat(lines).isNotEmpty();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(json.readTree(line));
        }
        assertThat(events).allSatisfy(event -> assertThat(event.path("level").isTextual()).isTrue())
                .anySatisfy(event -> {
                    assertThat(event.path("message").asText()).startsWith("Spend alert");
                    assertThat(event.path("account_id").asText()).isNotBlank();
                    assertThat(event.path("request_id").asText()).isNotBlank();
                });
    }
}
