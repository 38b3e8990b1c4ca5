package com.fluxrouter.billing.invoicing;

import com.fluxrouter.billing.schema.InvoiceLine;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Picking lines out of an invoice set in tests. */
final class InvoiceLines {
    private InvoiceLines() {
    }

    static List<InvoiceLine> ofType(List<InvoiceLine> lines, String type) {
        return lines.stream().filter(line -> line.getLineType().equals(type)).toList();
    }

    /** The set's single TOTAL line. */
    static InvoiceLine total(List<InvoiceLine> lines) {
        List<InvoiceLine> totals = ofType(lines, InvoiceBuilder.TOTAL);
        assertThat(totals).hasSize(1);
        return totals.get(0);
    }
}
