package com.fluxrouter.billing.it;

import java.util.concurrent.TimeUnit;

/**
 * Kills a child process when the test JVM exits (normally, or on SIGTERM/SIGINT; nothing runs on SIGKILL), so an
 * interrupted build leaves no orphan server holding memory and ports. {@link #close} is the orderly stop, which
 * also drops the hook.
 */
final class ChildProcessGuard implements AutoCloseable {
    private final Process process;
    private final Thread hook;

    private ChildProcessGuard(Process process) {
        this.process = process;
        this.hook = new Thread(process::destroyForcibly, "kill-child-" + process.pid());
    }

    static ChildProcessGuard killOnExit(Process process) {
        ChildProcessGuard guard = new ChildProcessGuard(process);
        Runtime.getRuntime().addShutdownHook(guard.hook);
        return guard;
    }

    /** Asks the child to stop, forcibly after {@code graceSeconds}, and waits for it. */
    void stop(long graceSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stop(20);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // already shutting down: the hook is running or has run
            }
        }
    }
}
