package com.fluxrouter.billing.it;

import com.fluxrouter.billing.chaos.ChaosSuite;
import com.fluxrouter.billing.chaos.Row;
import com.fluxrouter.billing.chaos.Scenario;
import com.fluxrouter.billing.chaos.Size;
import com.fluxrouter.billing.traffic.TokenSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite in its reduced form ({@code bin/flux-billing chaos} without {@code --full}): every scenario on a
 * real local broker with the pipeline as child JVMs, and the invariant holding in each.
 */
class ChaosIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // a failsafe: 3-5 min on a 2-core box, 19 min seen under 8 builds
    void everyScenarioKeepsTheBillingInvariant() throws Exception {
        List<Row> rows = ChaosSuite.run(Arrays.asList(Scenario.values()), Size.reducedForm(), 1,
                seed -> TokenSource.builtIn(new Random(seed)), dir, System.out);

        assertThat(rows).extracting(Row::scenario).containsExactly(Scenario.values());
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.holds()).as(row.scenario() + ": " + row.result()).isTrue();
            assertThat(row.priced()).as(row.scenario() + " priced").isEqualTo(Size.reducedForm().requests());
        });
    }
}
