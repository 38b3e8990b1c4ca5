/**
 * Synthetic router traffic for the demo and load tests: seeded, shaped like real LLM traffic (built-in
 * distributions from the Azure 2023 trace's published figures, or a trace CSV given with {@code --trace}).
 */
package com.fluxrouter.billing.traffic;
