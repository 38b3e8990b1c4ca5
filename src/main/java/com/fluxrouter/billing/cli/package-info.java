/** The {@code bin/flux-billing} command line: {@code replay} and {@code topology}. */
package com.fluxrouter.billing.cli;
