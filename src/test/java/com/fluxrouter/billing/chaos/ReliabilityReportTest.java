package com.fluxrouter.billing.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReliabilityReportTest {
    @TempDir
    Path dir;

    private static Row row(Scenario scenario, String result) {
        return new Row(scenario, "10 requests", "none | really", 12, 10, 1, 1, "$1 vs. $1", true, result);
    }

    @Test
    void tableHasTheIssuesColumnsAndOneRowPerScenario() {
        String table = ReliabilityReport.table(List.of(row(Scenario.CRASH, "holds (1 s)"), row(Scenario.STATE_LOSS, "holds (2 s)")),
                Size.reducedForm(), 7, 3);

        assertThat(table).contains("| scenario | load | faults injected | requests in | priced | rejected | "
                + "duplicates dropped | invoice total vs. expected | result |");
        assertThat(table).contains("| process crash | 10 requests | none \\| really | 12 | 10 | 1 | 1 | $1 vs. $1 | holds (1 s) |");
        assertThat(table).contains("| state loss |").contains("reduced sizes").contains("seed 7");
    }

    @Test
    void writingAgainReplacesOnlyTheTableBetweenTheMarkers() throws Exception {
        Path file = dir.resolve("reliability.md");
        Files.writeString(file, "# Reliability\n\nProse before.\n");
        ReliabilityReport.write(file, "first table\n");
        Files.writeString(file, Files.readString(file) + "\nProse after.\n");

        ReliabilityReport.write(file, "second table\n");

        String text = Files.readString(file);
        assertThat(text).startsWith("# Reliability\n\nProse before.\n").endsWith("\nProse after.\n")
                .contains("second table").doesNotContain("first table");
    }
}
