/**
 * JMH micro-benchmarks, built only with {@code -Pjmh}: pricing and calendar-period arithmetic in isolation. Consumes
 * the published price list and generated requests; produces JMH's own report (time and allocation per operation).
 * Guarantees nothing about the live pipeline: the figures explain where CPU goes, the bench command measures it.
 */
package com.fluxrouter.billing.jmh;
