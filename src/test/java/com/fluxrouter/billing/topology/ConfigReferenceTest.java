package com.fluxrouter.billing.topology;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/operations.md's configuration reference is the definitions' table, line for line: it cannot go stale. */
class ConfigReferenceTest {
    private static final String SECTION = "## Configuration reference";

    @Test
    void theDocumentedTableIsTheOneTheDefinitionsMake() throws IOException {
        List<String> documented = tableOf(Files.readAllLines(Path.of("docs/operations.md")));
        List<String> expected = ConfigReference.table();
        assertThat(documented).as("docs/operations.md, %s; the table should read:%n%s", SECTION,
                String.join("\n", expected)).containsExactlyElementsOf(expected);
    }

    /** The table lines of the section, up to the next section. */
    private static List<String> tableOf(List<String> lines) {
        List<String> table = new ArrayList<>();
        int start = lines.indexOf(SECTION);
        assertThat(start).as("docs/operations.md has a section '%s'", SECTION).isNotNegative();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("|")) {
                table.add(line);
            }
        }
        return table;
    }
}
