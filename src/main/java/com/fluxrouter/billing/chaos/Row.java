package com.fluxrouter.billing.chaos;

/** One line of the reliability table: the columns, in its order. */
public record Row(Scenario scenario, String load, String faults, long requestsIn, long priced, long rejected,
                  long duplicatesDropped, String invoiceTotals, boolean holds, String result) {
}
