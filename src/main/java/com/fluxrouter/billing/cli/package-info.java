/** The {@code bin/flux-billing} command line: {@code demo}, {@code run}, {@code topics}, {@code reset}, {@code replay}, {@code export}, {@code topology}, {@code schemas}, {@code decode}. */
package com.fluxrouter.billing.cli;
