package com.fluxrouter.billing.invoicing;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.fluxrouter.billing.invoicing.InvoiceLines.total;
import static org.assertj.core.api.Assertions.assertThat;

/** Grace is configurable: with one hour, a month closes one hour after its end. */
class GraceOfOneHourTest extends PipelineTest {
    private static final String ACCOUNT = "acct-1";


    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.GRACE, "PT1H");
    }

    @Test
    void monthClosesOneHourAfterItsEnd() {
        send(request(ACCOUNT, Lane.EXPRESS, 1_000_000, 0, "2026-10-31T23:00:00Z"));
        send(request(ACCOUNT, Lane.EXPRESS, 1_000, 0, "2026-11-01T00:59:59.999Z"));
        assertThat(invoiceLines()).isEmpty();
        send(request(ACCOUNT, Lane.EXPRESS, 1_000, 0, "2026-11-01T01:00:00Z"));
        List<InvoiceLine> lines = invoiceLines();
        assertThat(lines).extracting(InvoiceLine::getBillingMonth).containsOnly("2026-10");
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo("1.00");

        send(request(ACCOUNT, Lane.EXPRESS, 500_000, 0, "2026-10-31T23:30:00Z"));
        assertThat(invoiceLines()).as("pending for the window").isEmpty();
        send(request("acct-clock", Lane.EXPRESS, 1_000, 0, "2026-11-01T02:00:00Z"));
        List<InvoiceLine> late = invoiceLines();
        assertThat(late).allSatisfy(line -> {
            assertThat(line.getSupplemental()).isTrue();
            assertThat(line.getInvoiceSet()).isEqualTo(1);
        });
        assertThat(total(late).getAmountDueUsd()).isEqualByComparingTo("0.50");
    }
}
