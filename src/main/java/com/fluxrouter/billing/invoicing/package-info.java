/**
 * Invoice lines. Consumed: an account-month's ledger when the month closes or when a late request changes a
 * closed month. Produced: sets of {@code InvoiceLine} on {@code flux.invoice.lines}, keyed by account and month:
 * one USAGE line per lane used, INCLUDED_CREDIT (negative) and CEILING_ADJUSTMENT (negative) when non-zero, and a
 * TOTAL whose {@code amount_due_usd} is the exact sum rounded half-up to cents.
 *
 * <p>Guarantees: the original set is emitted once per account-month; each supplemental set is the change since
 * the sets before it, so for every line type the sets add up to the month's figures, and the TOTALs' amounts due
 * add up to the rounded amount due on all of the month's requests.
 */
package com.fluxrouter.billing.invoicing;
