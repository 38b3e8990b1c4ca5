package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.schema.state.MonthLedger;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Ledgers#copy}: the metering step's working copy of a stored account-month. */
class LedgerCopyTest {
    private static MonthLedger ledger(Long ceiling, Long firstUsageAt) {
        return MonthLedger.newBuilder().setAccountId("acct-1").setBillingMonth("2026-09").setTimeZone("Europe/Berlin")
                .setCloseAt(1_790_000_000_000L)
                .setLanes(new ArrayList<>(List.of(new LaneUsage("DAILY_DRIVER", 3L, 300L, 30L, 4_500_000L),
                        new LaneUsage("DEEP_THOUGHT", 1L, 100L, 10L, 9_000_000L))))
                .setCreditNanos(5_000_000_000L).setCeilingNanos(ceiling).setOverageNanos(1_234L).setAlertsFired(5)
                .setClosed(true).setInvoicedLanes(new ArrayList<>(List.of(new LaneUsage("DAILY_DRIVER", 2L, 200L, 20L, 3_000_000L))))
                .setInvoiceSets(2).setFirstUsageAt(firstUsageAt).build();
    }

    @Test
    void theCopyHasEveryFieldOfTheOriginalAsAvrosOwnCopyDoes() {
        for (MonthLedger original : List.of(ledger(20_000_000_000L, 1_788_000_000_000L), ledger(null, null))) {
            MonthLedger copy = Ledgers.copy(original);

            assertThat(copy).isEqualTo(original).isEqualTo(MonthLedger.newBuilder(original).build()).isNotSameAs(original);
        }
    }

    @Test
    void changingTheCopyAndItsLanesLeavesTheOriginalAsItWas() {
        MonthLedger original = ledger(20_000_000_000L, 1_788_000_000_000L);
        MonthLedger before = MonthLedger.newBuilder(original).build();
        MonthLedger copy = Ledgers.copy(original);

        copy.getLanes().get(0).setAmountNanos(99L);
        copy.getLanes().get(1).setRequests(42L);
        copy.getLanes().add(new LaneUsage("EXPRESS", 1L, 1L, 1L, 1L));
        copy.getInvoicedLanes().get(0).setAmountNanos(7L);
        copy.getInvoicedLanes().clear();
        copy.setOverageNanos(0L);
        copy.setClosed(false);

        assertThat(original).isEqualTo(before);
    }
}
