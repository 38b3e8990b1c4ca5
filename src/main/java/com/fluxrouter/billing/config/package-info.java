/** The pipeline's own settings ({@code flux.*}) and their defaults, which are the billing rules' defaults. */
package com.fluxrouter.billing.config;
